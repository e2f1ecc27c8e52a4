"""TF1's `tf.train.Coordinator`: lets threads ask each other to stop and report exceptions."""
import threading
import time

from tfvars_jax.framework import errors


class Coordinator:
    """TF1's `tf.train.Coordinator(clean_stop_exception_types=None)`.

    `request_stop(ex=None)` asks every thread to stop, remembering the first exception;
    `should_stop()`, `wait_for_stop(timeout)`, `join(threads, stop_grace_period_secs=120,
    ignore_live_threads=False)` (re-raises the remembered exception), `stop_on_exception()`,
    `raise_requested_exception()`, `register_thread`, `clear_stop` and `joined` as TF1.
    `clean_stop_exception_types` (default: OutOfRangeError) stop without being an error.
    """

    def __init__(self, clean_stop_exception_types=None):
        if clean_stop_exception_types is None:
            clean_stop_exception_types = (errors.OutOfRangeError,)
        self._clean_stop_exception_types = tuple(clean_stop_exception_types)
        self._lock = threading.Lock()
        self._stop_event = threading.Event()
        self._exc_info_to_raise = None
        self._joined = False
        self._registered_threads = set()

    def request_stop(self, ex=None):
        """Requests that the threads stop; `ex` (an exception or exc_info) is re-raised by
        `join` unless it is a clean-stop type."""
        with self._lock:
            if ex is not None and self._exc_info_to_raise is None and not self._joined:
                if isinstance(ex, tuple):
                    exc_info = ex
                else:
                    exc_info = (type(ex), ex, ex.__traceback__)
                if not issubclass(exc_info[0], self._clean_stop_exception_types):
                    self._exc_info_to_raise = exc_info
            self._stop_event.set()

    def clear_stop(self):
        """Clears the stop request (and the exception), as TF1."""
        with self._lock:
            self._joined = False
            self._exc_info_to_raise = None
            self._stop_event.clear()

    def should_stop(self):
        return self._stop_event.is_set()

    def stop_on_exception(self):
        """A context manager: an exception raised inside requests a stop with it."""
        coord = self

        class _Ctx:
            def __enter__(self):
                return None

            def __exit__(self, exc_type, exc, tb):
                if exc_type is not None:
                    coord.request_stop((exc_type, exc, tb))
                return exc_type is not None
        return _Ctx()

    def wait_for_stop(self, timeout=None):
        """Waits until a stop is requested; True if it was."""
        return self._stop_event.wait(timeout)

    def register_thread(self, thread):
        with self._lock:
            self._registered_threads.add(thread)

    def join(self, threads=None, stop_grace_period_secs=120, ignore_live_threads=False):
        """Waits for `threads` (and registered ones) after a stop request, then re-raises the
        exception passed to `request_stop`, if any; RuntimeError if threads outlive the grace
        period (unless `ignore_live_threads`)."""
        threads = set(threads or ()) | self._registered_threads
        while any(t.is_alive() for t in threads) and not self.wait_for_stop(1.0):
            pass
        deadline = time.time() + stop_grace_period_secs
        for t in threads:
            t.join(max(0.0, deadline - time.time()))
        stragglers = [t.name for t in threads if t.is_alive()]
        with self._lock:
            self._joined = True
            self._registered_threads = set()
            if self._exc_info_to_raise:
                _, ex, tb = self._exc_info_to_raise
                raise ex.with_traceback(tb)
        if stragglers and not ignore_live_threads:
            raise RuntimeError("Coordinator stopped with threads still running: %s" %
                               " ".join(stragglers))

    @property
    def joined(self):
        return self._joined

    def raise_requested_exception(self):
        """Re-raises the exception passed to `request_stop`, if any."""
        with self._lock:
            if self._exc_info_to_raise:
                _, ex, tb = self._exc_info_to_raise
                raise ex.with_traceback(tb)


class LooperThread(threading.Thread):
    """TF1's `tf.train.LooperThread(coord, timer_interval_secs, target=None, args=None,
    kwargs=None)`: a daemon thread, registered with `coord`, that calls `target(*args,
    **kwargs)` (or `run_loop()`) back to back (`timer_interval_secs=None`) or at time
    boundaries every `timer_interval_secs` seconds, the first call at once, until a stop is
    requested. An exception in the loop requests a stop with it (`join` re-raises it).

    Raises:
      ValueError: `coord` is not a Coordinator, or `args`/`kwargs` without `target`.
    """

    def __init__(self, coord, timer_interval_secs, target=None, args=None, kwargs=None):
        if not isinstance(coord, Coordinator):
            raise ValueError("'coord' argument must be a Coordinator: %s" % coord)
        super().__init__()
        self.daemon = True
        self._coord = coord
        self._timer_interval_secs = timer_interval_secs
        self._target = target
        if self._target:
            self._args = args or ()
            self._kwargs = kwargs or {}
        elif args or kwargs:
            raise ValueError("'args' and 'kwargs' argument require that you also pass 'target'")
        self._coord.register_thread(self)

    @staticmethod
    def loop(coord, timer_interval_secs, target, args=None, kwargs=None):
        """Starts and returns a LooperThread calling `target` (see the class)."""
        looper = LooperThread(coord, timer_interval_secs, target=target, args=args,
                              kwargs=kwargs)
        looper.start()
        return looper

    def run(self):
        with self._coord.stop_on_exception():
            self.start_loop()
            if self._timer_interval_secs is None:
                while not self._coord.should_stop():
                    self.run_loop()
            else:
                next_timer_time = time.time()
                while not self._coord.wait_for_stop(next_timer_time - time.time()):
                    next_timer_time += self._timer_interval_secs
                    self.run_loop()
            self.stop_loop()

    def start_loop(self):
        """Called once when the thread starts."""

    def stop_loop(self):
        """Called once when the loop ends."""

    def run_loop(self):
        """Called at each iteration: calls `target` by default."""
        if self._target:
            self._target(*self._args, **self._kwargs)
