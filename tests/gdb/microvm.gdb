# An x86-64 guest on -M microvm --accel kvm (tests/kvm/guest/board.c):
# the same stub through the KVM vCPU and the x86-64 register map.
set pagination off
set confirm off
target remote @SOCK@
break main
continue
info registers rip eflags cs
x/2i $pc
stepi
stepi
info registers rip
delete
continue
