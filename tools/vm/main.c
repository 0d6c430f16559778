/* vm: the command-line front end. */
#include <stdio.h>
#include <string.h>

static int usage(FILE *f)
{
    fprintf(f, "usage: vm COMMAND [ARGS]\n"
               "commands:\n"
               "  help        this text\n");
    return f == stderr ? 2 : 0;
}

int main(int argc, char **argv)
{
    if (argc < 2)
        return usage(stderr);
    if (!strcmp(argv[1], "help") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))
        return usage(stdout);
    fprintf(stderr, "vm: unknown command '%s'\n", argv[1]);
    return usage(stderr);
}
