#!/usr/bin/env python3
"""The breakdown of bench/README.md's referrals section from a sampled-thread-time trace of the server under load.

dotnet tool run dotnet-trace collect -p PID --profile dotnet-sampled-thread-time --duration 00:00:00:20 -o gql.nettrace
dotnet tool run dotnet-trace convert gql.nettrace --format speedscope -o gql   # writes gql.speedscope.json
bench/referrals-profile.py gql.speedscope.json CPU_MS_PER_REQUEST

Each sample whose thread was running managed code (the pool's own loop looking for work counts as idle) goes to the first part (in this order) that its stack contains;
microseconds per request are a part's share of all samples times the CPU per request measured beside the trace
(utime + stime of /proc/PID/stat over a `load` run, divided by its requests).
"""
import collections, json, re, sys

PARTS = [
    ('thread-pool workers spinning for work (idle)', r'LowLevelLifoSemaphore'),
    ('threads held for a garbage collection', r'PollGC'),
    ('access log: the entry and its group commit (shared)', r'AccessLogWriter|AccessRecord'),
    ('token and caller resolution (shared)', r'CallerResolver|CallerCredential'),
    ('sharing agreement: its query and the check (shared)', r'RequestContext\+<>c__DisplayClass\d+_0\+<<-ctor>|RequireAgreement|Agreements\.Require'),
    ('page query (shared)', r'Pagination|RawReferralsBaseline.*Referral'),
    ('history query (shared)', r'ReferralHistory'),
    ('organisation query (shared)', r'OrganisationLoader'),
    ('JSON writing', r'GraphQLSerializer|ExecutionResultJsonConverter|Utf8JsonWriter'),
    ("GraphQL's own: the engine", r'DocumentExecuter|ExecutionStrategy'),
    ("GraphQL's own: request reading, document cache, limits, rate", r'OperationPipeline|GraphQLRequestReader'),
    ('HTTP (Kestrel, sockets, middleware)', r'Kestrel|Sockets|AspNetCore'),
]
IDLE = PARTS[0][0], PARTS[1][0]


def main(path, cpu_ms):
    profile = json.load(open(path))
    names = [f['name'] for f in profile['shared']['frames']]
    matchers = [(part, re.compile(pattern)) for part, pattern in PARTS]
    totals, everything = collections.Counter(), 0.0
    for thread in profile['profiles']:
        stack, last = [], None
        for event in thread['events']:
            at = event['at']
            if last is not None and stack and names[stack[-1]] == 'CPU_TIME':
                weight = at - last
                everything += weight
                frames = [names[f] for f in stack]
                if len(frames) > 1 and 'WorkerThread.WorkerThreadStart' in frames[-2]:
                    frames = ['LowLevelLifoSemaphore']  # the pool's own loop looking for work: idle too
                totals[next((part for part, rx in matchers if any(rx.search(f) for f in frames)), 'other')] += weight
            last = at
            if event['type'] == 'O':
                stack.append(event['frame'])
            elif event['frame'] in stack:
                del stack[len(stack) - 1 - stack[::-1].index(event['frame']):]
    work = everything - sum(totals[p] for p in IDLE)
    print('| part | share of samples | share of request work | about µs per request |')
    print('| --- | ---: | ---: | ---: |')
    for part in [p for p, _ in PARTS] + ['other']:
        share = totals[part] / everything
        of_work = '-' if part in IDLE else f'{100 * totals[part] / work:.1f}%'
        print(f'| {part} | {100 * share:.1f}% | {of_work} | {share * cpu_ms * 1000:.0f} |')


if __name__ == '__main__':
    main(sys.argv[1], float(sys.argv[2]) if len(sys.argv) > 2 else 0.0)
