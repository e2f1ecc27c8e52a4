"""Delta debugging for fuzz programs: make a failing Program as small as the predicate allows.

`shrink(program, still_fails)` removes chunks of steps (halves, quarters, ..., single steps,
repeated until nothing more can go), then simplifies the remaining steps one by one (a run's
fetch structure down to one of its leaves or a flat list, its variable check dropped, a
control-dependency list emptied, a callable called once). `still_fails(program) -> bool` must be
true for the input; it is typically "TF and tfvars_jax still differ in the same way"
(`mismatch_predicate`). A time budget bounds the work; the best program so far is returned.
"""
import time

from tests.fuzz import interpreter


def mismatch_predicate(tf_module, our_module, target_signature=None):
    """A predicate: the program's TF and our records differ (with the given signature, if any)."""
    def pred(program):
        try:
            a = interpreter.run_program(program, tf_module)
            b = interpreter.run_program(program, our_module)
        except Exception:  # noqa: BLE001 - a crashing candidate is not the bug we are shrinking
            return False
        diff = interpreter.first_difference(a, b)
        if diff is None:
            return False
        return target_signature is None or interpreter.signature(diff) == target_signature
    return pred


def _leaves(struct):
    if struct[0] == "node":
        return [struct]
    items = struct[1]
    if struct[0] == "dict":
        items = [s for _, s in items]
    out = []
    for s in items:
        out.extend(_leaves(s))
    return out


def _step_variants(step):
    """Simpler versions of one step, simplest first."""
    kind = step[0]
    out = []
    if kind == "run":
        _, sid, struct, feeds, check = step
        if check != [[], []]:
            out.append(("run", sid, struct, feeds, [[], []]))
        leaves = _leaves(struct)
        for leaf in leaves:
            if leaf != struct:
                out.append(("run", sid, leaf, feeds, check))
        if len(leaves) > 1 and struct[0] != "list":
            out.append(("run", sid, ("list", leaves), feeds, check))
        if struct[0] in ("list", "tuple", "dict") and len(struct[1]) > 1:
            items = struct[1]
            for i in range(len(items)):
                out.append(("run", sid, (struct[0], items[:i] + items[i + 1:]), feeds, check))
        vs, os_ = check
        for i in range(len(vs)):
            out.append(("run", sid, struct, feeds, [vs[:i] + vs[i + 1:], os_]))
    elif kind == "call":
        _, cid, sid, vals, check = step
        if check != [[], []]:
            out.append(("call", cid, sid, vals, [[], []]))
    elif kind == "restore":
        if step[4] != [[], []]:
            out.append(step[:4] + ([[], []],))
    elif kind in ("unary", "matmul", "reduce_sum", "read_value", "identity", "binary", "assign", "scatter"):
        if step[-1]:
            out.append(step[:-1] + ([],))
            if len(step[-1]) > 1:
                for c in step[-1]:
                    out.append(step[:-1] + ([c],))
    elif kind == "group" and len(step[2]) > 1:
        for c in step[2]:
            out.append(("group", step[1], [c]))
    return out


def shrink(program, still_fails, budget_s=90.0, log=None):
    """The smallest program found within `budget_s` seconds for which `still_fails` holds."""
    deadline = time.time() + budget_s
    steps = list(program.steps)
    n_evals = 0

    def test(candidate):
        nonlocal n_evals
        n_evals += 1
        return still_fails(program.replace(candidate))

    # 1. remove chunks of steps (ddmin-style: halves, quarters, ..., then single steps to a fixed point)
    chunk = max(1, len(steps) // 2)
    while time.time() < deadline:
        removed = False
        i = len(steps) - chunk
        while i > -chunk and time.time() < deadline:
            lo = max(0, i)
            candidate = steps[:lo] + steps[i + chunk:]
            if candidate and len(candidate) < len(steps) and test(candidate):
                steps = candidate
                removed = True
            i -= chunk
        if chunk == 1 and not removed:
            break
        chunk = max(1, chunk // 2)
    # 2. simplify single steps
    progress = True
    while progress and time.time() < deadline:
        progress = False
        for i in range(len(steps)):
            for variant in _step_variants(steps[i]):
                if time.time() >= deadline:
                    break
                candidate = steps[:i] + [variant] + steps[i + 1:]
                if test(candidate):
                    steps = candidate
                    progress = True
                    break
    if log is not None:
        log.append(f"shrunk {len(program.steps)} -> {len(steps)} steps in {n_evals} runs")
    return program.replace(steps)
