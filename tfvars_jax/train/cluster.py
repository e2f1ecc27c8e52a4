"""`tf.train.ClusterSpec`: the jobs of a distributed TF1 program and the network addresses of
their tasks.

As TF1's, a ClusterSpec is built from a dict mapping job names to a list of addresses (task i
at position i) or to a dict {task index: address} (sparse), or from another ClusterSpec (which
gives the jobs sorted by name, as TF1's copy through a ClusterDef proto does). We do not use
protocol buffers: a `ClusterDef` argument and `as_cluster_def()` raise NotImplementedError.
We run no servers; a ClusterSpec is used for placement (`tf.train.replica_device_setter`).
"""


def _is_cluster_def(obj):
    return type(obj).__name__ == "ClusterDef" and hasattr(obj, "SerializeToString")


def _check_text(value, what):
    if not isinstance(value, (str, bytes)):
        raise TypeError(f"{what} {value!r} must be bytes or unicode")


class ClusterSpec:
    """TF1's `tf.train.ClusterSpec`: job names mapped to their tasks' addresses.

    `ClusterSpec({"ps": ["ps0:2222", "ps1:2222"], "worker": {1: "worker1:2222"}})`. Methods:
    `jobs`, `num_tasks`, `task_indices`, `task_address`, `job_tasks`, `as_dict`; `bool()` is
    whether it has a job; `==` compares with another ClusterSpec (or, as in TF1, with a dict
    {job: {index: address}}). Differs from TF1: no ClusterDef protos (NotImplementedError).
    """

    def __init__(self, cluster):
        if isinstance(cluster, dict):
            spec = {}
            for job_name, tasks in cluster.items():
                if isinstance(tasks, (list, tuple)):
                    job_tasks = dict(enumerate(tasks))
                elif isinstance(tasks, dict):
                    job_tasks = {int(i): task for i, task in tasks.items()}
                else:
                    raise TypeError(f"The tasks for job {job_name!r} must be a list or a "
                                    "dictionary from integers to strings.")
                _check_text(job_name, "Job name")
                for address in job_tasks.values():
                    _check_text(address, "Task address")
                spec[job_name] = job_tasks
            self._cluster_spec = spec
        elif isinstance(cluster, ClusterSpec):
            # TF1 copies through a ClusterDef: jobs sorted by name, tasks by index, text as str.
            self._cluster_spec = {
                _text(job): {i: _text(a) for i, a in sorted(tasks.items())}
                for job, tasks in sorted(cluster._cluster_spec.items(), key=lambda kv: _text(kv[0]))}
        elif _is_cluster_def(cluster):
            raise NotImplementedError("ClusterSpec(cluster=<ClusterDef proto>) is not supported by "
                                      "tfvars_jax (no protocol buffers): pass a dict of job name "
                                      "-> list of addresses.")
        else:
            raise TypeError("`cluster` must be a dictionary mapping one or more job names to lists "
                            "of network addresses, or a `ClusterDef` protocol buffer")

    def __bool__(self):
        return bool(self._cluster_spec)

    # As TF1: compares the {job: {index: address}} dict with `other` (another ClusterSpec
    # compares through its own __eq__). Like TF1's, a ClusterSpec is unhashable.
    def __eq__(self, other):
        return self._cluster_spec == other

    def __ne__(self, other):
        return self._cluster_spec != other

    __hash__ = None

    def __repr__(self):
        d = self.as_dict()
        return "ClusterSpec({" + ", ".join(f"{k!r}: {d[k]!r}" for k in sorted(d)) + "})"

    def as_dict(self):
        """{job: list of addresses} for a job whose task indices are 0..n-1, else
        {job: {index: address}} (`{}` for a job without tasks)."""
        out = {}
        for job in self.jobs:
            indices = self.task_indices(job)
            if not indices:
                out[job] = {}
            elif max(indices) + 1 == len(indices):
                out[job] = self.job_tasks(job)
            else:
                out[job] = {i: self.task_address(job, i) for i in indices}
        return out

    def as_cluster_def(self):
        """TF1 returns a `tf.train.ClusterDef` proto; we have no protos (NotImplementedError)."""
        raise NotImplementedError("ClusterSpec.as_cluster_def() is not supported by tfvars_jax "
                                  "(no protocol buffers); use as_dict().")

    @property
    def jobs(self):
        """The job names, in the order the dict gave them."""
        return list(self._cluster_spec)

    def _job(self, job_name):
        try:
            return self._cluster_spec[job_name]
        except (KeyError, TypeError):
            raise ValueError(f"No such job in cluster: {job_name!r}") from None

    def num_tasks(self, job_name):
        """The number of tasks of `job_name` (ValueError if there is no such job)."""
        return len(self._job(job_name))

    def task_indices(self, job_name):
        """The sorted task indices of `job_name` (ValueError if there is no such job)."""
        return sorted(self._job(job_name))

    def task_address(self, job_name, task_index):
        """The address of task `task_index` of `job_name` (ValueError if either is missing)."""
        job = self._job(job_name)
        try:
            return job[task_index]
        except (KeyError, TypeError):
            raise ValueError(f"No task with index {task_index!r} in job {job_name!r}") from None

    def job_tasks(self, job_name):
        """A list whose entry i is task i's address, None for an index a sparse job lacks
        (so its length may exceed `num_tasks`). ValueError if there is no such job, or (as
        TF1) if the job has no tasks."""
        job = self._job(job_name)
        if not job:
            raise ValueError(f"Job {job_name!r} has no tasks")
        out = [None] * (max(job) + 1)
        for i, address in job.items():
            out[i] = address
        return out


def _text(value):
    return value.decode("utf-8") if isinstance(value, bytes) else value
