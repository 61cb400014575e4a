# Python workload for bench/run.sh: function calls, float arithmetic and
# dictionary work in one loop. Only +, -, *, / and sqrt on floats (exactly
# rounded by IEEE 754), so the printed result is the same on every
# architecture and libm; argv[1] scales the work.
import sys


def mix(a, b):
    # A small pure function, called often: the call path is what we time.
    return (a * 2654435761 + b) & 0xFFFFFFFF


def step(x, k):
    return x * 0.999 + (k % 97) / 7.0 - x / (1.0 + (k & 15))


def run(n):
    counts = {}
    names = {}
    h = 12345
    x = 1.0
    total = 0.0
    for i in range(n):
        h = mix(h, i)
        key = h % 4099
        counts[key] = counts.get(key, 0) + 1
        if i % 16 == 0:
            names["k%d" % (h % 997)] = i
        x = step(x, h)
        total += (x * x) ** 0.5
    # Dictionary traversal in insertion order: deterministic.
    top = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:5]
    acc = 0
    for name, v in names.items():
        acc = (acc * 31 + len(name) + v) % 1000000007
    return top, acc, repr(x), repr(total), len(counts), len(names)


if __name__ == "__main__":
    print(run(int(sys.argv[1])))
