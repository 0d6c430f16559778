/* Blocking host system calls that a signal must interrupt (QEMU's
 * safe_syscall, written anew). The race they close: a signal that arrives
 * after the run loop looked for signals but before a blocking call starts
 * would wait for the call to end, maybe forever. user_safe_syscall checks
 * the thread's "interrupt" flag and then issues the syscall instruction;
 * the host signal handler, finding the thread's rip between the check and
 * the end of that instruction, moves it to the early exit instead, which
 * returns -USER_ERESTART: the call never started, so the run loop runs the
 * handler and then the call again, as Linux does with a signal that comes
 * before a system call. A signal inside the call interrupts it as usual
 * (-EINTR from the kernel). x86-64 only (the host vm runs on). Returns the
 * raw result (-errno). */
#include "user/user_internal.h"

__asm__(".text\n"
        ".globl user_safe_syscall\n"
        ".type user_safe_syscall, @function\n"
        "user_safe_syscall:\n"      /* (interrupt, nr, a1, a2, a3, a4, [a5, a6 on the stack]) */
        "    push %rbx\n"
        "    mov %rdi, %rbx\n"
        "    mov %rsi, %rax\n"
        "    mov %rdx, %rdi\n"
        "    mov %rcx, %rsi\n"
        "    mov %r8, %rdx\n"
        "    mov %r9, %r10\n"
        "    mov 16(%rsp), %r8\n"
        "    mov 24(%rsp), %r9\n"
        ".globl user_safe_syscall_start\n"
        "user_safe_syscall_start:\n"
        "    cmpl $0, (%rbx)\n"
        "    jne user_safe_syscall_eintr\n"
        "    syscall\n"
        ".globl user_safe_syscall_end\n"
        "user_safe_syscall_end:\n"
        "    pop %rbx\n"
        "    ret\n"
        ".globl user_safe_syscall_eintr\n"
        "user_safe_syscall_eintr:\n"
        "    mov $-513, %rax\n"         /* -USER_ERESTART */
        "    pop %rbx\n"
        "    ret\n"
        ".size user_safe_syscall, .-user_safe_syscall\n");
