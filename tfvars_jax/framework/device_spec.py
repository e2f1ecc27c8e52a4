"""`tf.DeviceSpec`: a (possibly partial) device specification, as TF1's `DeviceSpec`
(`tf.compat.v1.DeviceSpec`, DeviceSpecV1).

Five optional fields (job, replica, task, device_type, device_index), parsed from and printed to
TF1's device strings (`framework/device.py`). As in TF1 the fields are settable
(`spec.task = 3`), `parse_from_string` and `merge_from` update the spec in place, and equality
and hashing compare `to_string()`; `make_merged_spec` and `replace` return new specs.
"""
from tfvars_jax.framework import device as device_lib


class DeviceSpec:
    """TF1's `tf.DeviceSpec` (DeviceSpecV1): a partial device specification.

    `DeviceSpec(job="ps", device_type="GPU", device_index=0).to_string()` is
    `"/job:ps/device:GPU:0"`. Pass one to `tf.device` (a spec changed after the `with` started
    is seen by later ops, as in TF1). "cpu"/"gpu" are upper-cased; replica, task and
    device_index are converted with `int()` (ValueError for a non-number, as TF1).
    """

    __slots__ = ("_job", "_replica", "_task", "_device_type", "_device_index")

    def __init__(self, job=None, replica=None, task=None, device_type=None, device_index=None):
        (self._job, self._replica, self._task, self._device_type,
         self._device_index) = device_lib.normalize(job, replica, task, device_type, device_index)

    # ----- fields (settable, as TF1's DeviceSpecV1) -------------------------------------------
    @property
    def job(self):
        return self._job

    @job.setter
    def job(self, job):
        self._job = device_lib.normalize(job, None, None, None, None)[0]

    @property
    def replica(self):
        return self._replica

    @replica.setter
    def replica(self, replica):
        self._replica = device_lib.normalize(None, replica, None, None, None)[1]

    @property
    def task(self):
        return self._task

    @task.setter
    def task(self, task):
        self._task = device_lib.normalize(None, None, task, None, None)[2]

    @property
    def device_type(self):
        return self._device_type

    @device_type.setter
    def device_type(self, device_type):
        self._device_type = device_lib.normalize(None, None, None, device_type, None)[3]

    @property
    def device_index(self):
        return self._device_index

    @device_index.setter
    def device_index(self, device_index):
        self._device_index = device_lib.normalize(None, None, None, None, device_index)[4]

    def _components(self):
        return (self._job, self._replica, self._task, self._device_type, self._device_index)

    # ----- strings ----------------------------------------------------------------------------
    def to_string(self):
        """`/job:<name>/replica:<id>/task:<id>/device:<type>:<id>`, naming only the set fields
        (an unset index prints as `*` after a set type)."""
        return device_lib.to_string(self._components())

    @classmethod
    def from_string(cls, spec):
        """A new spec parsed from a device string (ValueError for one TF1 rejects)."""
        return cls(*device_lib.parse(spec))

    def parse_from_string(self, spec):
        """TF1: replaces every field by those parsed from `spec` (unnamed ones become None) and
        returns this spec."""
        (self._job, self._replica, self._task, self._device_type,
         self._device_index) = device_lib.parse(spec)
        return self

    # ----- merging ------------------------------------------------------------------------------
    def merge_from(self, dev):
        """TF1: sets, in place, every field that `dev` (a DeviceSpec) sets."""
        (self._job, self._replica, self._task, self._device_type,
         self._device_index) = device_lib.combine(self._components(), _components_of(dev))

    def make_merged_spec(self, dev):
        """A new spec: this one with every field `dev` sets taken from `dev`."""
        return type(self)(*device_lib.combine(self._components(), _components_of(dev)))

    def replace(self, **kwargs):
        """A new spec with the named fields (job, replica, task, device_type, device_index)
        replaced; `None` clears a field. TypeError for another keyword, as TF1."""
        fields = dict(zip(("job", "replica", "task", "device_type", "device_index"),
                          self._components()))
        unknown = set(kwargs) - set(fields)
        if unknown:
            raise TypeError(f"replace() got an unexpected keyword argument "
                            f"'{sorted(unknown)[0]}'")
        fields.update(kwargs)
        return type(self)(**fields)

    # ----- comparison -------------------------------------------------------------------------
    def __eq__(self, other):
        return isinstance(other, type(self)) and self.to_string() == other.to_string()

    def __ne__(self, other):
        return not self == other

    def __hash__(self):
        return hash(self.to_string())

    def __repr__(self):
        return (f"<DeviceSpec(job={self.job}, replica={self.replica}, task={self.task}, "
                f"device_type={self.device_type}, device_index={self.device_index})>")


def _components_of(dev):
    if not isinstance(dev, DeviceSpec):
        raise TypeError(f"Expected a DeviceSpec, got {type(dev).__name__}: {dev!r}")
    return dev._components()
