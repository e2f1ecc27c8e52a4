"""`tf.summary.FileWriter` and `tf.summary.FileWriterCache`: TensorBoard event files.

Events are written by TensorBoard's own `EventFileWriter` (a queue and a thread, a file named
`events.out.tfevents.<time>.<host>...` in `logdir`), so TensorBoard reads them as it reads
TF's.
"""
import logging
import threading
import time

from tfvars_jax.framework import ops as ops_lib
from tfvars_jax.summary import _tensorboard
from tfvars_jax.summary import graph_def as graph_def_lib

_logger = logging.getLogger(__name__)


class FileWriter:
    """TF1's `tf.summary.FileWriter(logdir, graph=None, max_queue=10, flush_secs=120,
    graph_def=None, filename_suffix=None, session=None)`.

    As TF1: `add_summary` takes a `Summary` proto or its serialized bytes (what a summary op
    returns) and a global step; a summary value's metadata is written with the first value of
    its tag only. Where we differ: the graph written by `graph=`/`add_graph` is our
    GraphDef-shaped view (ops, scopes, inputs, devices, shapes; see `summary/graph_def.py`);
    `add_run_metadata` writes nothing (our runs have no step stats) and warns;
    `add_meta_graph` and `session=` (TF2 summary ops) raise NotImplementedError.
    """

    def __init__(self, logdir, graph=None, max_queue=10, flush_secs=120, graph_def=None,
                 filename_suffix=None, session=None):
        if session is not None:
            raise NotImplementedError("tf.summary.FileWriter(session=...): writing through TF2 "
                                      "summary ops in a session is not supported; omit session.")
        self._logdir = str(logdir)
        self._max_queue, self._flush_secs = max_queue, flush_secs
        self._suffix = filename_suffix or ""
        self._lock = threading.Lock()
        self._seen_summary_tags = set()
        self._closed = False
        self._writer = self._open()
        if graph is not None or graph_def is not None:
            self.add_graph(graph, graph_def=graph_def)

    def _open(self):
        event_file_writer = _tensorboard.module("summary.writer.event_file_writer")
        return event_file_writer.EventFileWriter(self._logdir, self._max_queue, self._flush_secs,
                                                 self._suffix)

    def get_logdir(self):
        """The directory the event file is in."""
        return self._logdir

    def add_event(self, event):
        """Writes an `Event` proto (ignored once closed, as TF1)."""
        with self._lock:
            if not self._closed:
                self._writer.add_event(event)

    def _add(self, step, **fields):
        event_pb2 = _tensorboard.protos()[1]
        event = event_pb2.Event(wall_time=time.time(), **fields)
        if step is not None:
            event.step = int(step)
        self.add_event(event)

    def add_summary(self, summary, global_step=None):
        """Writes a `Summary` (proto or serialized bytes, e.g. `sess.run(merged)`) at
        `global_step`."""
        summary_pb2 = _tensorboard.protos()[0]
        if isinstance(summary, (bytes, bytearray)):
            summary = summary_pb2.Summary.FromString(bytes(summary))
        else:
            summary = summary_pb2.Summary.FromString(summary.SerializeToString())
        for value in summary.value:
            if not value.metadata.ByteSize():
                continue
            if value.tag in self._seen_summary_tags:
                value.ClearField("metadata")
            else:
                self._seen_summary_tags.add(value.tag)
        self._add(global_step, summary=summary)

    def add_session_log(self, session_log, global_step=None):
        """Writes a `SessionLog` (START, STOP, CHECKPOINT) at `global_step`."""
        event_pb2 = _tensorboard.protos()[1]
        log = event_pb2.SessionLog.FromString(session_log.SerializeToString())
        self._add(global_step, session_log=log)

    def add_graph(self, graph, global_step=None, graph_def=None):
        """Writes `graph` (a tf.Graph, shown as our GraphDef-shaped view) or `graph_def` (a
        TensorBoard GraphDef proto) for TensorBoard's graph dashboard."""
        if graph is not None and graph_def is not None:
            raise ValueError("Please pass only graph, or graph_def (deprecated), but not both.")
        if graph is not None:
            if not isinstance(graph, ops_lib.Graph):
                raise TypeError(f"add_graph takes a tf.Graph, got {type(graph).__name__}")
            graph_def = graph_def_lib.graph_def(graph)
        if graph_def is None:
            raise ValueError("add_graph needs a graph (or graph_def).")
        self._add(global_step, graph_def=graph_def.SerializeToString())

    def add_meta_graph(self, meta_graph_def, global_step=None):
        """Not supported: tfvars_jax writes no MetaGraphDefs."""
        raise NotImplementedError("FileWriter.add_meta_graph: MetaGraphDefs are not supported by "
                                  "tfvars_jax.")

    def add_run_metadata(self, run_metadata, tag, global_step=None):
        """TF1 writes a run's step stats; ours has none (`tf.RunMetadata` stays empty), so
        this writes nothing and logs a warning."""
        _logger.warning("FileWriter.add_run_metadata(tag=%r): tfvars_jax records no run "
                        "metadata (step stats); nothing was written.", tag)

    def flush(self):
        """Writes pending events to disk."""
        with self._lock:
            if not self._closed:
                self._writer.flush()

    def close(self):
        """Flushes and closes the event file; `reopen()` starts a new one."""
        with self._lock:
            if not self._closed:
                self._writer.close()
                self._closed = True

    def reopen(self):
        """After `close()`, opens a new event file in the same logdir (else does nothing)."""
        with self._lock:
            if self._closed:
                self._writer = self._open()
                self._closed = False

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class FileWriterCache:
    """TF1's `tf.summary.FileWriterCache`: one FileWriter per logdir, shared (by the hooks of
    MonitoredTrainingSession, for instance)."""
    _cache = {}
    _lock = threading.RLock()

    @staticmethod
    def clear():
        """Closes and forgets the cached FileWriters."""
        with FileWriterCache._lock:
            for writer in FileWriterCache._cache.values():
                writer.close()
            FileWriterCache._cache = {}

    @staticmethod
    def get(logdir):
        """The FileWriter for `logdir`, made (with the default graph) on first use."""
        with FileWriterCache._lock:
            writer = FileWriterCache._cache.get(logdir)
            if writer is None:
                writer = FileWriterCache._cache[logdir] = FileWriter(
                    logdir, graph=ops_lib.get_default_graph())
            return writer
