"""`tf.train`: optimizers (an optax bridge), learning-rate schedules, moving averages, the
global step, Saver and checkpoint reading, the managed training loop (MonitoredTrainingSession,
hooks, Supervisor, SessionManager), ClusterSpec and replica_device_setter
(device placement as TF1 records it).
"""
from tfvars_jax import _namespace
from tfvars_jax.train.optimizer import Optimizer
from tfvars_jax.train.optimizer import GradientDescentOptimizer
from tfvars_jax.train.optimizer import MomentumOptimizer
from tfvars_jax.train.optimizer import AdamOptimizer
from tfvars_jax.train.optimizer import AdagradOptimizer
from tfvars_jax.train.optimizer import RMSPropOptimizer
from tfvars_jax.train.optimizer import AdadeltaOptimizer
from tfvars_jax.train.optimizer import FtrlOptimizer
from tfvars_jax.train.optimizer import ProximalGradientDescentOptimizer
from tfvars_jax.train.optimizer import ProximalAdagradOptimizer
from tfvars_jax.train.optimizer import OptaxOptimizer
from tfvars_jax.train.learning_rate_decay import exponential_decay
from tfvars_jax.train.learning_rate_decay import piecewise_constant
from tfvars_jax.train.learning_rate_decay import polynomial_decay
from tfvars_jax.train.learning_rate_decay import cosine_decay
from tfvars_jax.train.learning_rate_decay import natural_exp_decay
from tfvars_jax.train.learning_rate_decay import inverse_time_decay
from tfvars_jax.train.moving_averages import ExponentialMovingAverage
from tfvars_jax.train.training_util import global_step
from tfvars_jax.train.training_util import get_global_step
from tfvars_jax.train.training_util import create_global_step
from tfvars_jax.train.training_util import get_or_create_global_step
from tfvars_jax.train.training_util import assert_global_step
from tfvars_jax.train.training_util import write_graph
from tfvars_jax.train.saver import Saver
from tfvars_jax.train.saver import SaverDef
from tfvars_jax.train.object_checkpoint import Checkpoint
from tfvars_jax.train.checkpoint_manager import CheckpointManager
from tfvars_jax.train.checkpoint_management import latest_checkpoint
from tfvars_jax.train.checkpoint_management import get_checkpoint_state
from tfvars_jax.train.checkpoint_management import checkpoint_exists
from tfvars_jax.train.checkpoint_management import get_checkpoint_mtimes
from tfvars_jax.train.checkpoint_management import remove_checkpoint
from tfvars_jax.train.checkpoint_management import update_checkpoint_state
from tfvars_jax.train.checkpoint_utils import NewCheckpointReader
from tfvars_jax.train.checkpoint_utils import load_checkpoint
from tfvars_jax.train.checkpoint_utils import load_variable
from tfvars_jax.train.checkpoint_utils import list_variables
from tfvars_jax.train.checkpoint_utils import init_from_checkpoint
from tfvars_jax.train.warm_starting_util import warm_start
from tfvars_jax.train.warm_starting_util import VocabInfo
from tfvars_jax.train.session_run_hook import SessionRunHook
from tfvars_jax.train.session_run_hook import SessionRunArgs
from tfvars_jax.train.session_run_hook import SessionRunContext
from tfvars_jax.train.session_run_hook import SessionRunValues
from tfvars_jax.train.coordinator import Coordinator
from tfvars_jax.train.coordinator import LooperThread
from tfvars_jax.train.basic_session_run_hooks import SecondOrStepTimer
from tfvars_jax.train.basic_session_run_hooks import LoggingTensorHook
from tfvars_jax.train.basic_session_run_hooks import StopAtStepHook
from tfvars_jax.train.basic_session_run_hooks import CheckpointSaverListener
from tfvars_jax.train.basic_session_run_hooks import CheckpointSaverHook
from tfvars_jax.train.basic_session_run_hooks import StepCounterHook
from tfvars_jax.train.basic_session_run_hooks import NanLossDuringTrainingError
from tfvars_jax.train.basic_session_run_hooks import NanTensorHook
from tfvars_jax.train.basic_session_run_hooks import SummarySaverHook
from tfvars_jax.train.basic_session_run_hooks import GlobalStepWaiterHook
from tfvars_jax.train.basic_session_run_hooks import FinalOpsHook
from tfvars_jax.train.basic_session_run_hooks import FeedFnHook
from tfvars_jax.train.progress_bar_hook import ProgressBarHook
from tfvars_jax.train.monitored_session import Scaffold
from tfvars_jax.train.monitored_session import SessionCreator
from tfvars_jax.train.monitored_session import ChiefSessionCreator
from tfvars_jax.train.monitored_session import MonitoredSession
from tfvars_jax.train.monitored_session import SingularMonitoredSession
from tfvars_jax.train.monitored_session import MonitoredTrainingSession
from tfvars_jax.train.session_manager import SessionManager
from tfvars_jax.train.supervisor import Supervisor
from tfvars_jax.summary.summary_iterator import summary_iterator
from tfvars_jax.train.cluster import ClusterSpec
from tfvars_jax.train.server import Server
from tfvars_jax.train.server import ServerDef
from tfvars_jax.train.sync_replicas_optimizer import SyncReplicasOptimizer
from tfvars_jax.train.device_setter import replica_device_setter
from tfvars_jax.train.queue_runners import batch
from tfvars_jax.train.queue_runners import shuffle_batch
from tfvars_jax.train.queue_runners import batch_join
from tfvars_jax.train.queue_runners import shuffle_batch_join
from tfvars_jax.train.queue_runners import string_input_producer
from tfvars_jax.train.queue_runners import input_producer
from tfvars_jax.train.queue_runners import slice_input_producer
from tfvars_jax.train.queue_runners import range_input_producer
from tfvars_jax.train.queue_runners import start_queue_runners

__all__ = [
    "Optimizer", "GradientDescentOptimizer", "MomentumOptimizer", "AdamOptimizer",
    "AdagradOptimizer", "RMSPropOptimizer", "AdadeltaOptimizer", "FtrlOptimizer",
    "ProximalGradientDescentOptimizer", "ProximalAdagradOptimizer", "OptaxOptimizer",
    "exponential_decay", "piecewise_constant", "polynomial_decay", "cosine_decay",
    "natural_exp_decay", "inverse_time_decay", "ExponentialMovingAverage", "global_step",
    "get_global_step", "create_global_step", "get_or_create_global_step", "assert_global_step",
    "write_graph",
    "Saver", "SaverDef", "Checkpoint", "CheckpointManager", "latest_checkpoint",
    "get_checkpoint_state", "checkpoint_exists",
    "get_checkpoint_mtimes", "remove_checkpoint", "update_checkpoint_state", "NewCheckpointReader",
    "load_checkpoint", "load_variable", "list_variables", "init_from_checkpoint", "warm_start",
    "VocabInfo",
    "SessionRunHook", "SessionRunArgs", "SessionRunContext", "SessionRunValues", "Coordinator",
    "LooperThread",
    "SecondOrStepTimer", "LoggingTensorHook", "StopAtStepHook", "CheckpointSaverListener",
    "CheckpointSaverHook", "StepCounterHook", "NanLossDuringTrainingError", "NanTensorHook",
    "SummarySaverHook", "GlobalStepWaiterHook", "FinalOpsHook", "FeedFnHook", "ProgressBarHook",
    "Scaffold", "SessionCreator", "ChiefSessionCreator", "MonitoredSession",
    "SingularMonitoredSession", "MonitoredTrainingSession", "SessionManager", "Supervisor",
    "summary_iterator",
    "ClusterSpec", "replica_device_setter", "Server", "ServerDef", "SyncReplicasOptimizer",
    "batch", "shuffle_batch", "batch_join", "shuffle_batch_join", "string_input_producer",
    "input_producer", "slice_input_producer", "range_input_producer", "start_queue_runners",
]

__getattr__ = _namespace.unsupported_getattr(__name__)
