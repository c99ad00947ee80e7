"""The run's clock inside a Python actor.

Python imports this module at start-up when its folder is on PYTHONPATH, as
the runner puts it, before the program runs. It makes the program's clocks
and sleeps count only the time the run has been going: time.monotonic (which
pika's timers and BlockingConnection.sleep read), time.perf_counter,
time.time and time.sleep. A sleep that would end while the run stands still
goes on until the run has gone on for as long as it asked.

The file and its line are described in stopped-time.ts. Without the file (a
program copied out and run by hand) nothing is changed.
"""

import os
import time

_PATH = os.environ.get("WARREN_STOPPED_TIME_FILE", "")


def _stopped_ns(now):
    """Nanoseconds the run has stood still up to monotonic time `now`."""
    try:
        with open(_PATH, encoding="ascii") as file:
            before, since = file.read().split()
    except (OSError, ValueError):
        return 0
    stopped = int(before)
    if since != "-" and now >= int(since):
        stopped += now - int(since)
    return stopped


def _install():
    real_monotonic_ns = time.monotonic_ns
    real_time_ns = time.time_ns
    real_sleep = time.sleep

    def running_ns():
        now = real_monotonic_ns()
        return now - _stopped_ns(now)

    def monotonic():
        return running_ns() / 1e9

    def time_ns():
        return real_time_ns() - _stopped_ns(real_monotonic_ns())

    def sleep(seconds):
        deadline = running_ns() + int(seconds * 1e9)
        while True:
            left = deadline - running_ns()
            if left <= 0:
                return
            real_sleep(left / 1e9)

    time.monotonic = monotonic
    time.monotonic_ns = running_ns
    time.perf_counter = monotonic
    time.perf_counter_ns = running_ns
    time.time = lambda: time_ns() / 1e9
    time.time_ns = time_ns
    time.sleep = sleep


if _PATH:
    _install()
