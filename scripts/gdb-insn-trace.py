# gdb script for scripts/insn-profile: single-step whole system calls of a
# guest under QEMU's gdbstub and log the kernel PC of every instruction.
# Environment: TRACE_OUT (output file), TRACE_SYSCALLS (comma-separated
# __x64_sys_* entry points, traced in this order, once per iteration),
# TRACE_ITERS, TRACE_COMM (the task whose calls are traced, default
# pmu-bench). Each call is stepped from its entry until the guest is back
# in user space, so the exit work (task_work, e.g. the deferred fput of
# close()) is included. QEMU masks interrupts while single-stepping.
import os

import gdb

USER_TOP = 0xffff800000000000


def trace(tag, out):
    n = 0
    while True:
        gdb.execute("stepi", to_string=True)
        pc = int(gdb.parse_and_eval("$pc")) & 0xffffffffffffffff
        if pc < USER_TOP:
            return n
        out.write(f"{tag} {pc:x}\n")
        n += 1


def current_comm():
    """The command name of the task running on the (only) vCPU."""
    task = gdb.parse_and_eval(
        "*(struct task_struct **)((unsigned long)&pcpu_hot.current_task"
        " + __per_cpu_offset[0])")
    return task["comm"].string()


def main():
    syscalls = os.environ["TRACE_SYSCALLS"].split(",")
    iters = int(os.environ.get("TRACE_ITERS", "3"))
    comm = os.environ.get("TRACE_COMM", "pmu-bench")
    gdb.execute("set pagination off")
    gdb.execute("set confirm off")
    with open(os.environ["TRACE_OUT"], "w") as out:
        for i in range(iters):
            for sc in syscalls:
                bp = gdb.Breakpoint(f"__x64_sys_{sc}", internal=True)
                # Only the benchmark's calls: a shell or the console
                # reader may make the same system call meanwhile.
                while True:
                    gdb.execute("continue", to_string=True)
                    if current_comm() == comm:
                        break
                bp.delete()
                n = trace(f"{sc}.{i}", out)
                gdb.write(f"insn-trace: {sc} {i} {n}\n")
                gdb.flush()
    gdb.execute("kill")


main()
