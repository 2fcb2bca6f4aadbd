"""What the machine gives the process: the CPUs it may use, and BLAS held to one thread
while fastw2v's own threads do the parallel work."""
import os

from threadpoolctl import threadpool_limits


def usable_cpus():
    """CPUs this process may run on (the default number of worker threads)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def single_threaded_blas():
    """Context manager holding BLAS to one thread while fastw2v's threads call it: BLAS's
    own threads would oversubscribe the cores."""
    return threadpool_limits(limits=1, user_api="blas")
