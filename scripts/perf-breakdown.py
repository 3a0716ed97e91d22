#!/usr/bin/env python3
"""Splits `perf script` samples of one benchmark process by component (scripts/profile-cpu.sh).

A sample goes to the first component whose names appear anywhere on its stack, in the order below. Native frames
of SQLite and the kernel carry no frame pointers, so their stacks rarely reach managed code: they are split by
what they do (file I/O, socket calls, page faults) instead."""
import collections
import sys

MANAGED = [
    ("load generator (benchmark client)", ["LeanHttpClient", "BankAccounts.Benchmarks", "System.Net.Http"]),
    ("HTTP edge (Kestrel, ASP.NET Core, auth, endpoints)", ["Kestrel", "Microsoft.AspNetCore", "BankAccounts.Api", "Microsoft.IdentityModel"]),
    ("projections (read model, EF Core)", ["BankAccounts.ReadModel", "Microsoft.EntityFrameworkCore"]),
    ("journal plugin (Akka.Persistence.Sql, linq2db)", ["LinqToDB", "Akka.Persistence.Sql"]),
    ("account entity, domain, persistence", ["BankAccounts.Actors", "BankAccounts.Domain", "Akka.Persistence"]),
    ("Akka (dispatch, sharding, ask)", ["Akka"]),
    ("telemetry", ["OpenTelemetry", "System.Diagnostics.Metrics"]),
    ("socket engine", ["System.Net.Sockets"]),
]
NATIVE = [
    ("SQLite engine and file I/O (pwrite/pread/fsync)", ["pwrite", "pread", "fsync", "sqlite3", "libe_sqlite3"]),
    ("socket system calls", ["__send", "__libc_recv", "epoll"]),
    ("page faults, munmap", ["page_fault", "munmap"]),
    ("memory copies (no managed frame)", ["memmove", "memset"]),
    ("GC", ["gc_heap", "WKS::", "SVR::", "GCHeap"]),
    ("thread pool, futex, sched_yield", ["futex", "sched_yield", "ThreadPool", "LowLevel"]),
    ("runtime without a managed frame (GC, casts, stubs)", ["libcoreclr"]),
]


def classify(stack):
    for name, keys in MANAGED + NATIVE:
        if any(key in stack for key in keys):
            return name
    return "other"


def main(path):
    with open(path, encoding="utf-8", errors="replace") as f:
        samples = [s for s in f.read().split("\n\n") if s.strip()]
    counts = collections.Counter(classify("\n".join(s.split("\n")[1:])) for s in samples)
    syscalls = sum(1 for s in samples if "entry_SYSCALL" in s)
    print(f"{len(samples)} samples")
    for name, count in counts.most_common():
        print(f"{100 * count / len(samples):5.1f} %  {name}")
    print(f"{100 * syscalls / len(samples):5.1f} %  of all samples inside a system call (any component)")


if __name__ == "__main__":
    main(sys.argv[1])
