// SPDX-License-Identifier: GPL-2.0
/*
 * In-guest micro-benchmarks of perf's hot paths and of PMU revocation.
 * Each prints "name value unit" lines; scripts/bench.py compares kernels.
 *
 *   pmu-bench hot <seconds> [name...]
 *                                context switches with N per-task events,
 *                                read() (single, group), open+close, fork+exit;
 *                                only the named ones if names are given
 *   pmu-bench unregister <n>...  unbind test_pmu_0 with n live events, and
 *                                close n events, in ns (patched kernel only)
 *   pmu-bench scale <others> <reps> <n>...
 *                                the cost of unregistering at scale: with
 *                                test_pmu_x0 .. test_pmu_x<others - 1>
 *                                registered (test_perf_pmu extra_pmus=) and
 *                                carrying events, unbind test_pmu_0 with n
 *                                live events, reps times; prints the median
 *                                as scale_cpus<C>_other<others>_n<n>
 *                                (patched kernel only)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/perf_event.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define DRV "/sys/bus/platform/drivers/test_perf_pmu"

static double seconds = 2.0;
static int test_type;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void die(const char *what)
{
	fprintf(stderr, "pmu-bench: %s: %s\n", what, strerror(errno));
	exit(1);
}

static int pmu_type(const char *name)
{
	char path[256];
	FILE *f;
	int t = -1;

	snprintf(path, sizeof(path), "/sys/bus/event_source/devices/%s/type", name);
	f = fopen(path, "r");
	if (!f || fscanf(f, "%d", &t) != 1)
		die(path);
	fclose(f);
	return t;
}

static int open_event(int type, uint64_t config, pid_t pid, int group, int inherit,
		      uint64_t read_format)
{
	struct perf_event_attr attr = {
		.size = sizeof(attr),
		.type = type,
		.config = config,
		.inherit = inherit,
		.read_format = read_format,
	};
	int fd = syscall(__NR_perf_event_open, &attr, pid, -1, group, PERF_FLAG_FD_CLOEXEC);

	if (fd < 0)
		die("perf_event_open");
	return fd;
}

/* Open n per-task counting events on the calling task, alternating kinds. */
static void open_task_events(int n, int sw_only)
{
	for (int i = 0; i < n; i++) {
		if (sw_only || i % 2)
			open_event(PERF_TYPE_SOFTWARE, PERF_COUNT_SW_TASK_CLOCK, 0, -1, 0, 0);
		else
			open_event(test_type, 0, 0, -1, 0, 0);
	}
}

static void pin_cpu(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		die("sched_setaffinity");
}

/*
 * A timed loop starts now. scripts/insn-profile (PMU_BENCH_ANNOUNCE set)
 * waits for this line on the console before it traces system calls, so
 * that it traces the loop's and not those of the set-up.
 */
static double loop_start(void)
{
	if (getenv("PMU_BENCH_ANNOUNCE"))
		fprintf(stderr, "pmu-bench: timed loop running\n");
	return now();
}

/* Two tasks on one CPU ping-pong a byte; each has n events. Switches/s. */
static void bench_ctxsw(int n, int sw_only)
{
	int ab[2], ba[2];
	long rounds = 0;
	double t0, t;
	pid_t child;
	char c = 0;

	if (pipe(ab) || pipe(ba))
		die("pipe");
	pin_cpu(0);
	child = fork();
	if (child < 0)
		die("fork");
	if (!child) {
		open_task_events(n, sw_only);
		while (read(ab[0], &c, 1) == 1 && c)
			if (write(ba[1], &c, 1) != 1)
				_exit(1);
		_exit(0);
	}
	open_task_events(n, sw_only);
	c = 1;
	t0 = loop_start();
	do {
		for (int i = 0; i < 1000; i++) {
			if (write(ab[1], &c, 1) != 1 || read(ba[0], &c, 1) != 1)
				die("ping-pong");
		}
		rounds += 1000;
		t = now() - t0;
	} while (t < seconds);
	c = 0;
	if (write(ab[1], &c, 1) != 1)
		die("write");
	waitpid(child, NULL, 0);
	printf("ctxsw_%s_n%d %.0f switches/s\n", sw_only ? "sw" : "mixed", n, 2 * rounds / t);
}

static void bench_read(int group)
{
	uint64_t buf[16];
	double t0, t;
	long ops = 0;
	int fd;

	fd = open_event(test_type, 0, 0, -1, 0, group ? PERF_FORMAT_GROUP : 0);
	if (group)
		for (int i = 0; i < 3; i++)
			open_event(i % 2 ? PERF_TYPE_SOFTWARE : test_type,
				   i % 2 ? PERF_COUNT_SW_TASK_CLOCK : 0, 0, fd, 0, 0);
	t0 = loop_start();
	do {
		for (int i = 0; i < 1000; i++)
			if (read(fd, buf, sizeof(buf)) <= 0)
				die("read");
		ops += 1000;
		t = now() - t0;
	} while (t < seconds);
	printf("read_%s %.0f reads/s\n", group ? "group4" : "single", ops / t);
}

static void bench_open_close(void)
{
	double t0, t;
	long ops = 0;

	t0 = loop_start();
	do {
		for (int i = 0; i < 100; i++)
			close(open_event(test_type, 0, 0, -1, 0, 0));
		ops += 100;
		t = now() - t0;
	} while (t < seconds);
	printf("open_close %.0f pairs/s\n", ops / t);
}

static void bench_fork(void)
{
	double t0, t;
	long ops = 0;

	for (int i = 0; i < 4; i++)
		open_event(i % 2 ? PERF_TYPE_SOFTWARE : test_type,
			   i % 2 ? PERF_COUNT_SW_TASK_CLOCK : 0, 0, -1, 1, 0);
	t0 = loop_start();
	do {
		for (int i = 0; i < 50; i++) {
			pid_t p = fork();

			if (p < 0)
				die("fork");
			if (!p)
				_exit(0);
			waitpid(p, NULL, 0);
		}
		ops += 50;
		t = now() - t0;
	} while (t < seconds);
	printf("fork_exit_inherit4 %.0f forks/s\n", ops / t);
}

/* Run fn in a child so that the events it opens die with it. */
static void isolated(void (*fn)(int, int), int a, int b)
{
	pid_t p;

	fflush(stdout);
	p = fork();
	if (p < 0)
		die("fork");
	if (!p) {
		/*
		 * One CPU: what is measured is the path, not how the
		 * hypervisor schedules vCPUs around cross-CPU wakeups.
		 */
		pin_cpu(0);
		fn(a, b);
		fflush(stdout);
		_exit(0);
	}
	waitpid(p, NULL, 0);
}

static void read_single(int a, int b) { bench_read(0); }
static void read_group(int a, int b) { bench_read(1); }
static void open_close(int a, int b) { bench_open_close(); }
static void fork_exit(int a, int b) { bench_fork(); }

static const struct {
	const char *name;
	void (*fn)(int, int);
	int a, b;
} hot[] = {
	{ "ctxsw_sw_n1", bench_ctxsw, 1, 1 },
	{ "ctxsw_sw_n16", bench_ctxsw, 16, 1 },
	{ "ctxsw_mixed_n1", bench_ctxsw, 1, 0 },
	{ "ctxsw_mixed_n16", bench_ctxsw, 16, 0 },
	{ "read_single", read_single, 0, 0 },
	{ "read_group4", read_group, 0, 0 },
	{ "open_close", open_close, 0, 0 },
	{ "fork_exit_inherit4", fork_exit, 0, 0 },
};

static char **only;	/* NULL-terminated names from the command line */

static int wanted(const char *name)
{
	if (!only || !*only)
		return 1;
	for (char **n = only; *n; n++)
		if (!strcmp(*n, name))
			return 1;
	return 0;
}

static void sysfs_write(const char *file, const char *val)
{
	int fd = open(file, O_WRONLY);

	if (fd < 0 || write(fd, val, strlen(val)) < 0)
		die(file);
	close(fd);
}

static int *open_n(int n)
{
	int *fds = malloc(sizeof(int) * (n + 1));

	for (int i = 0; i < n; i++)
		fds[i] = open_event(test_type, 0, 0, -1, 0, 0);
	return fds;
}

static void bind0(void)
{
	if (access(DRV "/test_perf_pmu.0", F_OK))
		sysfs_write(DRV "/bind", "test_perf_pmu.0");
}

/* Time the unbind of test_pmu_0 with n live events, then closing n events. */
static void bench_unregister(int n)
{
	double t0, unbind, close_ns;
	int *fds;

	bind0();
	test_type = pmu_type("test_pmu_0");
	fds = open_n(n);
	t0 = now();
	sysfs_write(DRV "/unbind", "test_perf_pmu.0");
	unbind = (now() - t0) * 1e9;
	for (int i = 0; i < n; i++)
		close(fds[i]);
	free(fds);

	bind0();
	test_type = pmu_type("test_pmu_0");
	fds = open_n(n);
	t0 = now();
	for (int i = 0; i < n; i++)
		close(fds[i]);
	close_ns = (now() - t0) * 1e9;
	free(fds);
	printf("unregister_n%d %.0f ns\n", n, unbind);
	printf("close_n%d %.0f ns\n", n, close_ns);
}

/* Events each other PMU carries in scale mode. */
#define SCALE_OTHER_EVENTS 5

/*
 * A child that opens events and sleeps until *stop is closed, so that their
 * task context is neither the unbinding task's nor running: what the
 * unbind costs is not mixed with the cost of switching that context.
 * Pinned to CPU 0 like the parent: the other CPUs hold nothing of the
 * events it opens on itself. open_fn returns only once they are open.
 */
static pid_t holder(void (*open_fn)(int), int arg, int *stop)
{
	int ready[2], go[2];
	pid_t p;
	char c;

	if (pipe(ready) || pipe(go))
		die("pipe");
	fflush(stdout);
	p = fork();
	if (p < 0)
		die("fork");
	if (!p) {
		close(ready[0]);
		close(go[1]);
		open_fn(arg);
		if (write(ready[1], "r", 1) != 1)
			_exit(1);
		/* EOF when the parent closes its end: exit, closing the events. */
		while (read(go[0], &c, 1) > 0)
			;
		_exit(0);
	}
	close(ready[1]);
	close(go[0]);
	if (read(ready[0], &c, 1) != 1) {
		errno = ECHILD;
		die("holder");
	}
	close(ready[0]);
	*stop = go[1];
	return p;
}

static void holder_stop(pid_t p, int stop)
{
	int status;

	close(stop);
	if (waitpid(p, &status, 0) != p || !WIFEXITED(status) || WEXITSTATUS(status)) {
		errno = ECHILD;
		die("holder exit");
	}
}

/*
 * Each other PMU carries SCALE_OTHER_EVENTS counting events: CPU events
 * spread over all CPUs (every CPU context holds some of them) and per-task
 * events on the holder (a task context with every other PMU in it).
 */
static void open_others(int others)
{
	int ncpus = sysconf(_SC_NPROCESSORS_ONLN);
	char name[64];

	for (int i = 0; i < others; i++) {
		int type;

		snprintf(name, sizeof(name), "test_pmu_x%d", i);
		type = pmu_type(name);
		for (int k = 0; k < SCALE_OTHER_EVENTS; k++) {
			struct perf_event_attr attr = {
				.size = sizeof(attr),
				.type = type,
			};
			int cpu = k % 2 ? -1 : (i + k) % ncpus;
			int fd = syscall(__NR_perf_event_open, &attr, cpu < 0 ? 0 : -1,
					 cpu, -1, PERF_FLAG_FD_CLOEXEC);

			if (fd < 0)
				die(name);
		}
	}
}

static void open_test_pmu0(int n)
{
	open_n(n);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/*
 * The unbind of test_pmu_0 with n live events held by another task, reps
 * times after one unmeasured warm-up; the median in ns.
 */
static double scale_unbind(int n, int reps)
{
	double *t = calloc(reps + 1, sizeof(*t)), med;

	for (int r = 0; r <= reps; r++) {
		int stop;
		pid_t p;
		double t0;

		bind0();
		test_type = pmu_type("test_pmu_0");
		p = holder(open_test_pmu0, n, &stop);
		t0 = now();
		sysfs_write(DRV "/unbind", "test_perf_pmu.0");
		t[r] = (now() - t0) * 1e9;
		holder_stop(p, stop);
	}
	/* t[0] is the warm-up. */
	qsort(t + 1, reps, sizeof(*t), cmp_double);
	med = reps % 2 ? t[1 + reps / 2] : (t[reps / 2] + t[reps / 2 + 1]) / 2;
	free(t);
	return med;
}

static void bench_scale(int others, int reps, char **ns)
{
	int ncpus = sysconf(_SC_NPROCESSORS_ONLN);
	int stop = -1;
	pid_t p = 0;

	if (reps < 1) {
		errno = EINVAL;
		die("scale: reps");
	}
	/* The unbinding task has no perf context and stays on CPU 0. */
	pin_cpu(0);
	if (others)
		p = holder(open_others, others, &stop);
	for (; *ns; ns++) {
		int n = atoi(*ns);

		printf("scale_cpus%d_other%d_n%d %.0f ns\n", ncpus, others, n,
		       scale_unbind(n, reps));
	}
	if (others)
		holder_stop(p, stop);
	bind0();
}

int main(int argc, char **argv)
{
	struct rlimit rl = { 65536, 65536 };

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc < 2)
		goto usage;
	setrlimit(RLIMIT_NOFILE, &rl);
	if (!strcmp(argv[1], "hot")) {
		if (argc > 2)
			seconds = atof(argv[2]);
		only = argv + 3;
		for (char **n = only; *n; n++) {
			size_t i = 0;

			while (i < sizeof(hot) / sizeof(hot[0]) && strcmp(*n, hot[i].name))
				i++;
			if (i == sizeof(hot) / sizeof(hot[0])) {
				fprintf(stderr, "pmu-bench: no benchmark %s\n", *n);
				return 2;
			}
		}
		test_type = pmu_type("test_pmu_0");
		for (size_t i = 0; i < sizeof(hot) / sizeof(hot[0]); i++)
			if (wanted(hot[i].name))
				isolated(hot[i].fn, hot[i].a, hot[i].b);
		return 0;
	}
	if (!strcmp(argv[1], "unregister")) {
		for (int i = 2; i < argc; i++)
			bench_unregister(atoi(argv[i]));
		return 0;
	}
	if (!strcmp(argv[1], "scale") && argc > 4) {
		bench_scale(atoi(argv[2]), atoi(argv[3]), argv + 4);
		return 0;
	}
usage:
	fprintf(stderr, "usage: pmu-bench hot [seconds [name...]] | unregister n... | "
		"scale others reps n...\n");
	return 2;
}
