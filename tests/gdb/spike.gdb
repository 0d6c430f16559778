# The bare-metal program on -M spike: break at a function, continue, step,
# finish, watch a variable, registers, disassembly, continue to the end.
set pagination off
set confirm off
target remote @SOCK@
info threads
break add
continue
monitor info status
info registers
p $mstatus
p $priv
p/x $misa
x/4i $pc
step
finish
watch counter
continue
continue
delete
continue
