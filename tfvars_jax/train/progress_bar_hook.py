"""`ProgressBarHook` (our extension, not in TF1): a tqdm progress bar of a training loop."""
import time

from tfvars_jax.framework import ops as ops_lib
from tfvars_jax.train import training_util
from tfvars_jax.train.session_run_hook import SessionRunArgs
from tfvars_jax.train.session_run_hook import SessionRunHook


class ProgressBarHook(SessionRunHook):
    """A tqdm progress bar over the global step, with steps/s and chosen tensors' values.

    Not a TF1 name: turn it on with `MonitoredTrainingSession(progress_bar=...)` or pass it in
    `hooks`. Every step it fetches the global step (and `tensors`) in the step's own run and
    advances the bar by how much the global step moved; it refreshes the shown values at most
    every `every_n_secs` seconds (tqdm's own rate limit applies to the bar). Needs the `tqdm`
    package (`pip install 'tfvars_jax[progress]'`).

    Args:
      total: the last step, for a bar with an end (default: a StopAtStepHook's last step is
        not known here, so the bar counts without a total unless given).
      tensors: a dict {label: tensor} or a list of tensors (labelled by name) shown beside
        the bar.
      every_n_secs: how often the shown tensor values are refreshed.
      **tqdm_kwargs: passed to `tqdm.tqdm` (file=, desc=, leave=, ...).
    """

    def __init__(self, total=None, tensors=None, every_n_secs=0.5, **tqdm_kwargs):
        try:
            import tqdm  # noqa: F401 - fail when the hook is made, not mid-training
        except ImportError as e:
            raise ImportError("ProgressBarHook needs the 'tqdm' package: pip install "
                              "'tfvars_jax[progress]' (or tqdm).") from e
        if tensors is not None and not isinstance(tensors, dict):
            tensors = {getattr(t, "name", str(t)): t for t in tensors}
        self._tensors = tensors or {}
        self._total = total
        self._every_n_secs = every_n_secs
        self._tqdm_kwargs = tqdm_kwargs
        self._bar = None

    def begin(self):
        self._global_step = training_util.get_global_step()
        if self._global_step is None:
            raise RuntimeError("Global step should be created to use ProgressBarHook.")
        graph = ops_lib.get_default_graph()
        self._fetch = {"step": self._global_step}
        self._fetch.update({("t", k): graph.as_graph_element(v) for k, v in
                            self._tensors.items()})

    def after_create_session(self, session, coord):
        import tqdm
        self._last_step = int(session.run(self._global_step))
        kwargs = {"unit": "step", "dynamic_ncols": True}
        kwargs.update(self._tqdm_kwargs)
        self._bar = tqdm.tqdm(total=self._total, initial=self._last_step, **kwargs)
        self._last_shown = 0.0
        self._last_values = {}

    def before_run(self, run_context):
        return SessionRunArgs(self._fetch)

    def after_run(self, run_context, run_values):
        results = run_values.results
        step = int(results["step"]) + 1  # the value read in the step, before its increment
        if step > self._last_step:
            self._bar.update(step - self._last_step)
            self._last_step = step
        now = time.time()
        self._last_values = {k: results[("t", k)] for k in self._tensors}
        if self._tensors and now - self._last_shown >= self._every_n_secs:
            self._bar.set_postfix(self._last_values, refresh=False)
            self._last_shown = now

    def end(self, session):
        if self._bar is not None:
            step = int(session.run(self._global_step))
            if step > self._last_step:
                self._bar.update(step - self._last_step)
            if self._tensors and self._last_values:  # the bar ends showing the last values
                self._bar.set_postfix(self._last_values, refresh=False)
            self._bar.close()
