"""What the machine and the process give fastw2v: the CPUs it may use, BLAS held to one
thread while fastw2v's own threads do the parallel work, and Ctrl-C held back while
bookkeeping must not be cut short."""
import os
import signal
import threading

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


class DeferredSigint:
    """Context manager: a Ctrl-C (SIGINT) that arrives inside the block does not raise
    KeyboardInterrupt wherever the main thread happens to be; it is raised when the block
    ends (unless the block raises anyway), after what :meth:`when_caught` registered ran.
    Further Ctrl-C meanwhile change nothing, so bookkeeping (recording an epoch, naming a
    temporary file, cleaning it up) is never cut short.

    Only in the main thread while Python's default SIGINT handler is installed (inside
    another DeferredSigint, say, the outer one defers); elsewhere it does nothing.

    Attributes
    ----------
    caught : bool
        Whether a Ctrl-C arrived inside the block.
    """

    def __init__(self):
        self._previous = self._callback = None
        self.caught = False

    def when_caught(self, callback):
        """Calls ``callback()`` when a Ctrl-C arrives (at once if one came already)."""
        self._callback = callback
        if self.caught:
            callback()

    def _handle(self, signum, frame):
        self.caught = True
        if self._callback is not None:
            self._callback()

    def __enter__(self):
        if (threading.current_thread() is threading.main_thread()
                and signal.getsignal(signal.SIGINT) is signal.default_int_handler):
            self._previous = signal.signal(signal.SIGINT, self._handle)
        return self

    def __exit__(self, exc_type, exc, tb):
        if self._previous is not None:
            signal.signal(signal.SIGINT, self._previous)
        if self.caught and exc_type is None:
            raise KeyboardInterrupt
