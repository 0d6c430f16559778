/* Prints its arguments and whether descriptor 3 is open (for the
 * binfmt_misc test: argv[0] kept with flag P, the program's descriptor of
 * flag O/C not left to the guest). */
#include <fcntl.h>
#include <stdio.h>

int main(int argc, char **argv)
{
    printf("argc %d\n", argc);
    for (int i = 0; i < argc; i++)
        printf("argv[%d] %s\n", i, argv[i]);
    printf("fd 3 open: %d\n", fcntl(3, F_GETFD) >= 0);
    return 0;
}
