"""What the benchmark scripts print about the machine they ran on."""
import os
import platform


def cpu_model() -> str:
    try:
        with open('/proc/cpuinfo') as f:
            for line in f:
                if line.lower().startswith('model name'):
                    return line.split(':', 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine() or 'unknown'


def available_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def load_average() -> str:
    try:
        return ' '.join(f'{x:.2f}' for x in os.getloadavg())
    except (AttributeError, OSError):
        return 'n/a'
