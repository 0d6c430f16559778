# Attached to Debian's Linux at its shell: interrupt it, look at the
# supervisor's translation and code, the soft MMU's figures (HMP info mmu
# through qRcmd), let it run to its power-off.
set pagination off
set confirm off
target remote @SOCK@
echo CONTINUING\n
continue
info threads
p/x $satp
p $priv
p/x $pc
x/2i $pc
monitor info mmu
continue
