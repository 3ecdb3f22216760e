#!/usr/bin/env python3
"""Times a whole command: time-process.py RUNS COMMAND... -> median/min/max wall time and the
largest peak RSS of the process (os.wait4), after one warm-up run."""
import os
import statistics
import sys
import time


def run(command):
    start = time.perf_counter()
    pid = os.fork()
    if pid == 0:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.dup2(devnull, 2)
        os.execvp(command[0], command)
    _, status, usage = os.wait4(pid, 0)
    wall = time.perf_counter() - start
    if status != 0:
        raise SystemExit(f"time-process: {' '.join(command)} failed ({status})")
    return wall, usage.ru_maxrss / 1024


def main():
    runs = int(sys.argv[1])
    command = sys.argv[2:]
    run(command)
    results = [run(command) for _ in range(runs)]
    walls = [wall for wall, _ in results]
    print(f"median {statistics.median(walls) * 1000:.1f} ms (min {min(walls) * 1000:.1f}, max {max(walls) * 1000:.1f}), "
          f"peak RSS {max(rss for _, rss in results):.1f} MiB over {runs} runs")


if __name__ == "__main__":
    main()
