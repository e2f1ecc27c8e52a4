"""`tf.train.CheckpointManager`: numbered `tf.train.Checkpoint` saves in one directory, the
`checkpoint` state file listing the kept ones, older ones deleted beyond `max_to_keep`."""
import collections
import glob
import os
import time

from tfvars_jax.framework import context
from tfvars_jax.train import bundle
from tfvars_jax.train import checkpoint_management as cm
from tfvars_jax.train import training_util


class CheckpointManager:
    """TF's `tf.train.CheckpointManager` (graph mode: `save` uses the default session).

    Args:
      checkpoint: the `tf.train.Checkpoint` to save.
      directory: where checkpoints and the `checkpoint` state file go; a state file already
        there is read back (the kept checkpoints it lists, with their times).
      max_to_keep: how many checkpoints to keep (None: all); older ones are deleted.
      keep_checkpoint_every_n_hours: additionally keep one checkpoint per this many hours.
      checkpoint_name: the prefix of the files ("ckpt": `ckpt-1.index`, ...).
      step_counter, checkpoint_interval, init_fn: TF 2.x additions, not supported
        (NotImplementedError).

    Examples:
      >>> import tempfile
      >>> import tfvars_jax as tf
      >>> directory = tempfile.mkdtemp()
      >>> with tf.Graph().as_default():
      ...     w = tf.Variable(1.0, name="w")
      ...     manager = tf.train.CheckpointManager(tf.train.Checkpoint(w=w), directory, 2)
      ...     with tf.Session() as sess:
      ...         sess.run(w.initializer)
      ...         paths = [manager.save() for _ in range(3)]
      ...     print([p[len(directory) + 1:] for p in manager.checkpoints])
      ['ckpt-2', 'ckpt-3']
    """

    def __init__(self, checkpoint, directory, max_to_keep, keep_checkpoint_every_n_hours=None,
                 checkpoint_name="ckpt", step_counter=None, checkpoint_interval=None,
                 init_fn=None):
        for arg, value in (("step_counter", step_counter),
                           ("checkpoint_interval", checkpoint_interval), ("init_fn", init_fn)):
            if value is not None:
                raise NotImplementedError(f"tf.train.CheckpointManager argument '{arg}' (TF 2.x) "
                                          "is not supported.")
        if directory is None:
            raise ValueError("Directory can't be None.")
        if max_to_keep is not None and max_to_keep <= 0:
            raise ValueError(f"Expected a positive integer or `None` for `max_to_keep`, got "
                             f"{max_to_keep}.")
        self._checkpoint = checkpoint
        self._save_counter_assign = None
        self._max_to_keep = max_to_keep
        self._keep_checkpoint_every_n_hours = keep_checkpoint_every_n_hours
        self._directory = os.fspath(directory)
        self._checkpoint_prefix = os.path.join(self._directory, checkpoint_name)
        recovered = cm.get_checkpoint_state(self._directory)
        now = time.time()
        self._maybe_delete = collections.OrderedDict()
        if recovered is None:
            self._latest_checkpoint = None
            # a little in the past, as TF: a manager re-made at once keeps what it finds
            self._last_preserved_timestamp = now - 1.0
        else:
            self._latest_checkpoint = recovered.model_checkpoint_path
            self._last_preserved_timestamp = min(recovered.last_preserved_timestamp, now)
            paths = list(recovered.all_model_checkpoint_paths)
            stamps = list(recovered.all_model_checkpoint_timestamps) or \
                [self._last_preserved_timestamp] * len(paths)
            for path, stamp in zip(paths, stamps):
                stamp = min(stamp, now)
                if stamp > self._last_preserved_timestamp:
                    self._maybe_delete[path] = stamp

    @property
    def directory(self):
        return self._directory

    @property
    def checkpoint(self):
        return self._checkpoint

    @property
    def latest_checkpoint(self):
        """The prefix of the newest checkpoint, or None."""
        return self._latest_checkpoint

    @property
    def checkpoints(self):
        """The kept checkpoints' prefixes, oldest first."""
        return list(self._maybe_delete)

    def save(self, checkpoint_number=None):
        """Increments the checkpoint's `save_counter`, writes `<directory>/ckpt-<number>`
        (number: `checkpoint_number`, an int or an integer variable/tensor, else the counter),
        updates the state file and deletes checkpoints beyond `max_to_keep`; returns the path."""
        if context.executing_eagerly():
            return self._save_eagerly(checkpoint_number)
        session = context.default_session()
        if session is None:
            raise ValueError("tf.train.CheckpointManager.save in graph mode runs in the default "
                             "session: call it inside `with sess.as_default():` (or `with "
                             "tf.Session() as sess:`).")
        with session.graph.as_default():
            checkpoint = self._checkpoint
            if checkpoint._maybe_create_save_counter():
                session.run(checkpoint.save_counter.initializer)
            if self._save_counter_assign is None:
                self._save_counter_assign = checkpoint.save_counter.assign_add(
                    1, read_value=False)
        session.run(self._save_counter_assign)
        if checkpoint_number is None:
            checkpoint_number = checkpoint.save_counter
        if not isinstance(checkpoint_number, int):
            checkpoint_number = training_util.global_step(session, checkpoint_number)
        path = checkpoint.write(f"{self._checkpoint_prefix}-{int(checkpoint_number)}",
                                session=session)
        self._maybe_delete.pop(path, None)
        return self._record_new(path)

    def _save_eagerly(self, checkpoint_number):
        """`save` in eager mode: the counter and values are the variables' own."""
        checkpoint = self._checkpoint
        checkpoint.save_counter.assign_add(1)
        if checkpoint_number is None:
            checkpoint_number = checkpoint.save_counter
        path = checkpoint.write(f"{self._checkpoint_prefix}-{int(checkpoint_number)}")
        self._maybe_delete.pop(path, None)
        return self._record_new(path)

    def _record_new(self, path):
        self._maybe_delete[path] = time.time()
        self._latest_checkpoint = path
        self._record_state()
        self._sweep()
        self._record_state()
        return path

    def _record_state(self):
        paths, stamps = list(self._maybe_delete), list(self._maybe_delete.values())
        bundle.write_checkpoint_state(self._directory, self._latest_checkpoint, paths,
                                      timestamps=stamps,
                                      last_preserved_timestamp=self._last_preserved_timestamp,
                                      save_relative_paths=True)

    def _sweep(self):
        if not self._max_to_keep:
            return
        while len(self._maybe_delete) > self._max_to_keep:
            path, stamp = self._maybe_delete.popitem(last=False)
            hours = self._keep_checkpoint_every_n_hours
            if hours and stamp - hours * 3600.0 >= self._last_preserved_timestamp:
                self._last_preserved_timestamp = stamp
                continue
            for name in [bundle.index_filename(path)] + glob.glob(
                    glob.escape(path) + ".data-?????-of-?????"):
                try:
                    os.remove(name)
                except FileNotFoundError:
                    pass

