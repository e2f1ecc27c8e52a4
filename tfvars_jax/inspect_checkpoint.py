"""Inspect a TensorFlow V2 checkpoint without TensorFlow (TF's `inspect_checkpoint` tool).

    python -m tfvars_jax.inspect_checkpoint PREFIX                 # names, dtypes, shapes, sizes
    python -m tfvars_jax.inspect_checkpoint PREFIX --tensor_name conv1/weights
    python -m tfvars_jax.inspect_checkpoint PREFIX --all_tensors   # every tensor's value
    python -m tfvars_jax.inspect_checkpoint PREFIX --all_tensor_names

PREFIX is a checkpoint prefix ("model.ckpt-1000") or a directory (its latest checkpoint);
`--file_name PREFIX` is accepted too, as TF's tool spells it. Installed as the command
`tfvars-inspect-checkpoint`.

Output follows TF's tool ("tensor: NAME (DTYPE) [SHAPE]" lines, the values printed by NumPy,
"# Total number of params: N"); the default listing adds each tensor's size in bytes.
Unlike TF's tool, errors go to stderr and the exit status is 1.
"""

import argparse
import re
import sys

import numpy as np

__all__ = ["print_tensors_in_checkpoint_file", "main"]


def _human(nbytes):
    size = float(nbytes)
    for unit in ("B", "KiB", "MiB", "GiB"):
        if size < 1024 or unit == "GiB":
            return f"{int(size)} B" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{nbytes} B"


def _count_total_params(reader, count_exclude_pattern=""):
    shapes = reader.get_variable_to_shape_map()
    if count_exclude_pattern:
        regex = re.compile(count_exclude_pattern)
        shapes = {k: v for k, v in shapes.items() if not regex.search(k)}
    return int(sum(int(np.prod(s)) for s in shapes.values()))


def print_tensors_in_checkpoint_file(file_name, tensor_name, all_tensors, all_tensor_names=False,
                                     count_exclude_pattern="", out=None):
    """TF's `inspect_checkpoint.print_tensors_in_checkpoint_file`.

    Args:
      file_name: checkpoint prefix or directory.
      tensor_name: print this tensor (ignored with `all_tensors`/`all_tensor_names`).
      all_tensors: print every tensor's name, dtype, shape and value.
      all_tensor_names: print every tensor's name, dtype and shape.
      count_exclude_pattern: regex of names left out of the parameter count.
      out: a text stream (default stdout).

    Raises:
      tfvars_jax errors (NotFoundError, DataLossError, ...) and ValueError for unreadable input.
    """
    from tfvars_jax.train import checkpoint_utils as cu

    out = out or sys.stdout
    reader = cu.load_checkpoint(file_name)
    shapes = reader.get_variable_to_shape_map()
    dtypes_ = reader.get_variable_to_dtype_map()

    def name_of(dtype):
        return getattr(dtype, "name", str(dtype))

    if all_tensors or all_tensor_names:
        for key in sorted(shapes):
            print(f"tensor: {key} ({name_of(dtypes_[key])}) {shapes[key]}", file=out)
            if all_tensors:
                print(reader.get_tensor(key), file=out)
    elif not tensor_name:
        sizes = reader.get_variable_to_num_bytes_map()
        width = max((len(k) for k in shapes), default=0)
        for key in sorted(shapes):
            print(f"{key:<{width}}  {name_of(dtypes_[key]):<10} {str(shapes[key]):<20} {_human(sizes[key])}",
                  file=out)
        print(f"# Total size: {_human(sum(sizes.values()))} in {len(shapes)} tensors", file=out)
    else:
        if not reader.has_tensor(tensor_name):
            print(f"Tensor {tensor_name} not found in checkpoint", file=out)
            return False
        print(f"tensor: {tensor_name} ({name_of(dtypes_[tensor_name])}) {shapes[tensor_name]}",
              file=out)
        print(reader.get_tensor(tensor_name), file=out)
    print(f"# Total number of params: {_count_total_params(reader, count_exclude_pattern)}",
          file=out)
    return True


def _parse_printoptions(text):
    options = {}
    for item in filter(None, (text or "").split(",")):
        if "=" not in item:
            raise argparse.ArgumentTypeError("--printoptions expects name=value pairs, got "
                                             f"{item!r}")
        key, value = item.split("=", 1)
        if key == "threshold" and value in ("sys.maxsize", "inf"):
            options[key] = sys.maxsize
            continue
        try:
            options[key] = int(value)
        except ValueError:
            options[key] = {"True": True, "False": False}.get(value, value)
    return options


def main(argv=None):
    """Command-line entry point; returns the exit status."""
    parser = argparse.ArgumentParser(
        prog="tfvars-inspect-checkpoint",
        description="List or print the tensors of a TensorFlow V2 checkpoint (no TensorFlow needed).")
    parser.add_argument("prefix", nargs="?",
                        help="checkpoint prefix (e.g. model.ckpt-1000) or directory")
    parser.add_argument("--file_name", default="", help="the checkpoint prefix (TF's spelling)")
    parser.add_argument("--tensor_name", default="", help="print this tensor")
    parser.add_argument("--all_tensors", action="store_true", help="print every tensor's value")
    parser.add_argument("--all_tensor_names", action="store_true", help="print every tensor's name")
    parser.add_argument("--count_exclude_pattern", default="",
                        help="regex of names left out of the count")
    parser.add_argument("--printoptions", default="",
                        help="numpy print options, e.g. threshold=sys.maxsize")
    args = parser.parse_args(argv)
    file_name = args.prefix or args.file_name
    if not file_name:
        parser.error("a checkpoint prefix is required (positional PREFIX or --file_name)")
    from tfvars_jax.framework import errors
    try:
        options = _parse_printoptions(args.printoptions)
        if options:
            np.set_printoptions(**options)
        found = print_tensors_in_checkpoint_file(file_name, args.tensor_name, args.all_tensors,
                                                 args.all_tensor_names, args.count_exclude_pattern)
    except (errors.OpError, ValueError, OSError, TypeError, argparse.ArgumentTypeError) as exc:
        print(f"{type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    return 0 if found else 1


if __name__ == "__main__":
    sys.exit(main())
