"""ParamSchedulerHook that follows the config's schedule after resume."""
import copy
import logging
from typing import Dict, List

from mmaction.registry import HOOKS
from mmengine.hooks import ParamSchedulerHook
from mmengine.logging import print_log

#: Scheduler attributes that change as it steps: not part of the schedule.
_STEP_STATE = ('last_step', '_global_step', '_last_value', 'base_values',
               'verbose')


def _settings(scheduler) -> Dict:
    """What defines a parameter scheduler's schedule.

    Args:
        scheduler (_ParamScheduler): A built MMEngine parameter scheduler.

    Returns:
        dict: Its type and every setting it keeps in ``state_dict()`` (e.g.
        ``begin``, ``end``, ``T_max``, ``eta_min``, ``by_epoch``), without
        the step counters and values that change as it steps.
    """
    settings = {
        k: v
        for k, v in scheduler.state_dict().items()
        if k not in _STEP_STATE and not callable(v)
    }
    return dict(type=type(scheduler).__name__, **settings)


def _flat(schedulers) -> List:
    """All schedulers, of one optimizer (a list) or several (a dict)."""
    if isinstance(schedulers, dict):
        return [s for group in schedulers.values() for s in group]
    return list(schedulers)


def _changes(old, new) -> str:
    """``'CosineAnnealingLR (per iteration): T_max 8 -> 12, ...'``."""
    a, b = _settings(old), _settings(new)
    if a['type'] != b['type']:
        return f'{a["type"]} -> {b["type"]}'
    unit = 'per epoch' if b.get('by_epoch') else 'per iteration'
    diffs = [
        f'{k} {a.get(k)} -> {b.get(k)}' for k in sorted(set(a) | set(b))
        if a.get(k) != b.get(k)
    ]
    return f'{b["type"]} ({unit}): ' + ', '.join(diffs)


@HOOKS.register_module()
class ParamSchedulerResumeHook(ParamSchedulerHook):
    """MMEngine's ``ParamSchedulerHook``; a resumed run follows the config.

    A checkpoint stores each parameter scheduler's whole state, its settings
    included (``begin``, ``end``, ``T_max``, ``eta_min``), and MMEngine's
    resume restores them over the config's. A run resumed with a raised
    ``max_epochs`` therefore keeps the old schedule: a per-iteration cosine
    stops at the checkpoint's ``end`` and trains the added epochs at the
    last, near-zero learning rate.

    Before training, after a resume (``runner.iter > 0``), this hook builds
    the config's schedulers and compares their settings with the restored
    ones. If they are equal it does nothing (an ordinary resume stays
    bit-exact). If they differ it replaces the restored schedulers with the
    config's, stepped through the ``runner.iter`` iterations and
    ``runner.epoch`` epochs already trained, exactly as
    ``ParamSchedulerHook`` steps them, starting from each parameter
    group's ``initial_lr`` (``initial_momentum``, ...). From this iteration
    on the learning rate (and every scheduled value) is the one an unbroken
    run with the new config has at the same iteration. The weights are not
    those of such a run: the earlier iterations ran with the old schedule.
    One warning line names the changed settings and the values before and
    after.

    Schedulers stepped by validation metrics (``ReduceOnPlateau``) cannot be
    replayed: a changed schedule that contains one is refused with a
    ``RuntimeError``.
    """

    def before_train(self, runner) -> None:
        config = runner.cfg.get('param_scheduler')
        if runner.param_schedulers is None or config is None or \
                runner.iter == 0:
            return
        restored = runner.param_schedulers
        values = _ValueSnapshot(_flat(restored))
        before = values.describe()
        built = runner.build_param_scheduler(copy.deepcopy(config))
        old, new = _flat(restored), _flat(built)
        changed = [
            _changes(a, b) for a, b in zip(old, new)
            if _settings(a) != _settings(b)
        ]
        if len(old) != len(new):
            changed.append(f'{len(old)} schedulers -> {len(new)}')
        if not changed:
            values.restore()  # building them stepped the optimizer
            return
        if any(getattr(s, 'need_val_args', False) for s in old + new):
            values.restore()
            raise RuntimeError(
                'The parameter schedule of the config differs from the '
                f'checkpoint\'s ({"; ".join(changed)}), and it contains a '
                'scheduler driven by validation metrics (ReduceOnPlateau), '
                'which cannot be replayed to iteration '
                f'{runner.iter}. Resume with the checkpoint\'s schedule, or '
                'start a new run with load_from=CHECKPOINT instead of '
                '--resume.')
        runner.param_schedulers = self._replay(runner, config, values)
        print_log(
            f'ParamSchedulerResumeHook: the config\'s parameter schedule '
            f'differs from the checkpoint\'s ({"; ".join(changed)}). '
            f'Following the config\'s schedule from iteration {runner.iter}'
            f' (after epoch {runner.epoch}) on, as an unbroken run with this '
            f'config has it there: {_before_after(before, values.describe())}'
            '. The earlier iterations ran with the checkpoint\'s schedule.',
            logger='current',
            level=logging.WARNING)

    @staticmethod
    def _replay(runner, config, values):
        """The config's schedulers, stepped to the runner's iteration."""
        values.reset_to_initial()
        schedulers = runner.build_param_scheduler(copy.deepcopy(config))
        flat = _flat(schedulers)
        for scheduler in flat:  # no "step before optimizer.step" warning
            scheduler.optimizer._global_step = 0
        per_iter = [s for s in flat if not s.by_epoch]
        per_epoch = [s for s in flat if s.by_epoch]
        epoch_length = len(runner.train_dataloader)
        epochs = 0
        for i in range(runner.iter):
            for scheduler in per_iter:
                scheduler.step()
            if (i + 1) % epoch_length == 0 and epochs < runner.epoch:
                for scheduler in per_epoch:
                    scheduler.step()
                epochs += 1
        for _ in range(runner.epoch - epochs):
            for scheduler in per_epoch:
                scheduler.step()
        return schedulers


class _ValueSnapshot:
    """The scheduled values of every optimizer the schedulers drive."""

    def __init__(self, schedulers) -> None:
        self.names = sorted({s.param_name for s in schedulers})
        self.optimizers = list(
            {id(s.optimizer): s.optimizer
             for s in schedulers}.values())
        self.saved = [[{
            k: v
            for k, v in group.items() if k != 'params'
        } for group in opt.param_groups] for opt in self.optimizers]

    def restore(self) -> None:
        for opt, groups in zip(self.optimizers, self.saved):
            for group, saved in zip(opt.param_groups, groups):
                group.update(saved)

    def reset_to_initial(self) -> None:
        for opt in self.optimizers:
            for group in opt.param_groups:
                for name in self.names:
                    if f'initial_{name}' in group:
                        group[name] = group[f'initial_{name}']

    def describe(self) -> Dict[str, float]:
        """The scheduled values of the first parameter group."""
        if not self.optimizers:
            return {}
        group = self.optimizers[0].param_groups[0]
        return {name: group[name] for name in self.names if name in group}


def _before_after(before: Dict[str, float], after: Dict[str, float]) -> str:
    """``'lr 0.00190301 -> 0.0125'``."""
    return ', '.join(f'{name} {before[name]:.6g} -> {after[name]:.6g}'
                     for name in after if name in before)
