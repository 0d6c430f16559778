# The program on -M virt -smp 2 (-bios none): harts as threads.
set pagination off
set confirm off
target remote @SOCK@
break add
continue
info threads
thread 2
p $mhartid
bt 1
thread 1
p $mhartid
stepi
x/2i $pc
delete
continue
