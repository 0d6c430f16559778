# -s -S: the stub on TCP port 1234 (127.0.0.1), the machine waiting for gdb.
set pagination off
set confirm off
target remote @SOCK@
break add
continue
p/x $pc
delete
continue
