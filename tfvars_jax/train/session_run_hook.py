"""TF1's SessionRunHook protocol: `SessionRunHook`, `SessionRunArgs`, `SessionRunContext`,
`SessionRunValues`.

A MonitoredSession calls each hook's `before_run` before a step; the fetches and feeds hooks ask
for join the caller's in the same `Session.run` call (one compiled run per step), and each hook
gets its results in `after_run`.
"""
import collections


class SessionRunHook:
    """TF1's `tf.train.SessionRunHook`: override `begin`, `after_create_session`,
    `before_run`, `after_run` and `end`; each does nothing by default."""

    def begin(self):
        """Called once before the session is created; the graph can still change."""

    def after_create_session(self, session, coord):
        """Called when the session is created (initialized or restored); graph finalized."""

    def before_run(self, run_context):
        """Returns a `SessionRunArgs` (fetches, feeds to add to the step) or None."""
        return None

    def after_run(self, run_context, run_values):
        """Called after each step with `run_values.results`: the hook's fetched values."""

    def end(self, session):
        """Called when the monitored session closes without an error (not after an error)."""


class SessionRunArgs(collections.namedtuple("SessionRunArgs",
                                            ["fetches", "feed_dict", "options"])):
    """TF1's `tf.train.SessionRunArgs(fetches, feed_dict=None, options=None)`: what a hook adds
    to a step. `options` (RunOptions) are accepted and have no effect here, as in Session.run."""

    def __new__(cls, fetches, feed_dict=None, options=None):
        return super().__new__(cls, fetches, feed_dict, options)


class SessionRunContext:
    """TF1's `tf.train.SessionRunContext`: the step's `original_args` (the caller's fetches
    and feeds), the raw `session`, and `request_stop()`."""

    def __init__(self, original_args, session):
        self._original_args = original_args
        self._session = session
        self._stop_requested = False

    @property
    def original_args(self):
        return self._original_args

    @property
    def session(self):
        return self._session

    @property
    def stop_requested(self):
        return self._stop_requested

    def request_stop(self):
        """Asks the monitored session to stop after this step (`should_stop()` turns True)."""
        self._stop_requested = True


class SessionRunValues(collections.namedtuple("SessionRunValues",
                                              ["results", "options", "run_metadata"])):
    """TF1's `tf.train.SessionRunValues`: `results` are the values of the hook's fetches;
    `options`/`run_metadata` are the RunOptions/RunMetadata (empty here)."""
