/*
** omni-sandbox — runs one untrusted program (a user's compiled OmniLisp program, or the JIT host
** running one) isolated and under resource limits. Linux only; no library beyond libc.
**
**   omni-sandbox --dir DIR [--ro PATH]... [--env K=V]... [--cpu-seconds N] [--wall-ms N]
**                [--memory-mb N] [--address-space-mb N] [--processes N] [--threads N]
**                [--file-size-mb N] [--open-files N] [--uid N|auto] [--gid N|auto] [--status-fd N]
**                -- PROGRAM [ARGS...]
**
** Defaults: 10 CPU seconds, 20000 ms, 512 MiB resident, 4096 MiB address space, 256 processes,
** 256 threads, 64 MiB files, 64 fds, uid/gid 65534; 0 turns a limit off. PROGRAM is an absolute
** path that must be visible inside (under /usr, or given with --ro). At the end, on --status-fd:
**   {"outcome":"exited"|"signaled"|"timeout"|"cpu"|"memory"|"threads"|"setup-failed",
**    "code":N|null,"signal":"SIGKILL"|null,"wallMs":N,"cpuMs":N,"maxRssKb":N,"message":"..."}
** "cpu" is a death by SIGXCPU or SIGKILL after the program used its CPU seconds; "timeout" and
** "memory" are the launcher's own kills (SIGKILL), or, for "memory" and "threads", a limit the
** OmniLisp runtime reached and reported on the limit pipe before exiting with status 1.
**
** Three processes take part:
**   launcher  this process, outside. Watches the wall clock and the sandbox's resident memory,
**             kills the whole sandbox when a limit is passed, writes one JSON line on --status-fd
**             and exits with the program's status (its code, or 128 + signal; 125 when the
**             sandbox could not be set up).
**   init      the launcher's child and PID 1 of a new PID namespace, with PR_SET_PDEATHSIG =
**             SIGKILL. Builds the file system, forks the program and reaps. When the program
**             ends (or init is killed) the kernel kills every other process of the namespace, so
**             nothing outlives a run: not a fork bomb, not a daemon, not a launcher killed by
**             the caller.
**   program   PID 2. Sets its limits, drops every privilege, installs the seccomp filter, execs.
**
** What is enforced, and how:
**   files     a new mount namespace whose root is a fresh tmpfs (pivot_root) holding only
**             read-only binds of /usr /bin /sbin /lib /lib64 (symlinks stay symlinks),
**             /etc/ld.so.cache and the --ro paths; /dev with null zero random urandom; a /proc
**             of the new PID namespace; DIR read-write at its own path (the cwd, HOME and
**             TMPDIR). The old root is detached, so nothing else of the host exists inside.
**             Every mount is nosuid, all but the device nodes nodev, all but DIR and /dev
**             read-only.
**   network   a new network namespace (only a down loopback) and socket() failing with EPERM
**             for every domain except AF_UNIX.
**   others    new IPC and UTS namespaces; processes of the host are invisible (PID namespace).
**   identity  as root: the program runs as --uid/--gid (65534), which owns DIR (chowned);
**             "auto" picks 0x70000000 + the launcher's pid, an id no other live sandbox has,
**             so that RLIMIT_NPROC (counted per uid) is not shared with concurrent sandboxes.
**             Not root: a user namespace maps the caller's uid and gid to themselves (and
**             RLIMIT_NPROC counts per user namespace). Either way: empty capability sets
**             (bounding and ambient included), no_new_privs.
**   syscalls  seccomp (x86_64, aarch64): EPERM for ptrace, mount and the new mount API,
**             umount2, pivot_root, chroot, unshare, setns, clone with namespace flags, bpf,
**             perf_event_open, the keyring, modules, kexec, reboot, swapon/off, io_uring (it
**             creates sockets without socket()), userfaultfd, SysV IPC and memfd_create
**             (memory that no process's RSS shows); clone3 fails with ENOSYS so libc uses
**             clone, whose flags the filter can read; other ABIs (x32, 32-bit) are refused.
**   limits    RLIMIT_CPU (soft N, hard N+1), RLIMIT_AS, RLIMIT_NPROC (threads count),
**             RLIMIT_FSIZE, RLIMIT_NOFILE, RLIMIT_CORE 0; wall clock and resident memory by the
**             launcher, which polls the RSS of every process of the sandbox every 5 ms (stacks
**             are reserved, not resident, so RLIMIT_AS cannot be the memory limit).
**   runtime   the OmniLisp runtime's own limits, through the environment: its stack is half the
**             memory limit, at most a quarter of the address space and 1 GiB (OMNI_STACK_MB), so
**             that a runaway recursion ends as `stack overflow` before the watchdog's kill; each
**             thread's stack is sized so that --threads of them fit in the address space
**             (OMNI_THREAD_STACK_MB, at most 256 MiB and the program's stack); it counts its
**             live threads against --threads (OMNI_MAX_THREADS) and ends the run when one more
**             is spawned, writing "threads" on the limit pipe (fd 3, OMNI_LIMIT_FD; "memory"
**             when malloc fails). RLIMIT_NPROC is raised to 2 * threads + 16 when lower: the
**             kernel also counts threads still exiting, and must never refuse first.
**   fds       the program starts with stdin, stdout, stderr and the limit pipe's write end
**             (fd 3) only; the environment is only PATH, HOME, TMPDIR, LANG, the --env pairs
**             and the runtime's limits (OMNI_STACK_MB, OMNI_THREAD_STACK_MB, OMNI_MAX_THREADS,
**             OMNI_LIMIT_FD; the launcher's values win over --env).
** Every failure while setting up is reported (outcome "setup-failed", with the errno text).
*/
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/audit.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/seccomp.h>

#define OMNIX_SETUP_STATUS 125      /* the launcher's exit status when the sandbox failed */
#define OMNIX_OLD "/.oldroot"       /* where the host's root hangs while the new one is built */
#define OMNIX_POLL_MS 5             /* period of the memory watchdog */
#define OMNIX_HOSTNAME "omni-sandbox"
#define OMNIX_AUTO_ID 0x70000000L   /* --uid auto: this plus the launcher's pid (an unused range) */
#define OMNIX_LIMIT_FD 3            /* the program's end of the limit pipe (OMNI_LIMIT_FD) */
#define OMNIX_REPORT_FD 4           /* init's end of the report pipe, once init placed its fds */
#define OMNIX_STACK_MB 1024         /* the runtime's own stack when there is no memory limit */
#define OMNIX_THREAD_STACK_MB 256   /* the runtime's own stack per thread, the most given */
#define OMNIX_MIN_STACK_MB 2        /* the least stack given */
#define OMNIX_AS_RESERVE_MB 640     /* address space kept for code, malloc arenas (8 x 64 MiB)... */

typedef struct OXOptions {
  const char *dir;       /* --dir, resolved: the only writable place (cwd, HOME, TMPDIR) */
  char **ro;             /* --ro paths, resolved, NULL-terminated */
  char **env;            /* the program's whole environment, NULL-terminated */
  char **argv;           /* PROGRAM and its arguments, NULL-terminated */
  long cpu_seconds;      /* RLIMIT_CPU soft limit (the hard limit is one more), 0: none */
  long wall_ms;          /* wall-clock limit, 0: none */
  long memory_mb;        /* resident memory limit (watchdog), 0: none */
  long address_space_mb; /* RLIMIT_AS, 0: none */
  long processes;        /* RLIMIT_NPROC (threads count), 0: none */
  long threads;          /* live threads of an OmniLisp program (OMNI_MAX_THREADS), 0: none */
  long file_size_mb;     /* RLIMIT_FSIZE, 0: none */
  long open_files;       /* RLIMIT_NOFILE, 0: inherited */
  long uid;              /* the program's uid when the launcher runs as root (-1: auto) */
  long gid;              /* the program's gid when the launcher runs as root (-1: auto) */
  long status_fd;        /* where the JSON status line goes, -1: nowhere */
  int userns;            /* not root: a user namespace maps the caller to itself */
  uid_t outer_uid;       /* the caller's uid */
  gid_t outer_gid;       /* the caller's gid */
} OXOptions;

typedef struct OXNumeric {
  const char *name; /* the option */
  size_t offset;    /* its long in OXOptions */
} OXNumeric;

static const OXNumeric omniX_numeric[] = {
    {"--cpu-seconds", offsetof(OXOptions, cpu_seconds)},
    {"--wall-ms", offsetof(OXOptions, wall_ms)},
    {"--memory-mb", offsetof(OXOptions, memory_mb)},
    {"--address-space-mb", offsetof(OXOptions, address_space_mb)},
    {"--processes", offsetof(OXOptions, processes)},
    {"--threads", offsetof(OXOptions, threads)},
    {"--file-size-mb", offsetof(OXOptions, file_size_mb)},
    {"--open-files", offsetof(OXOptions, open_files)},
    {"--uid", offsetof(OXOptions, uid)},
    {"--gid", offsetof(OXOptions, gid)},
    {"--status-fd", offsetof(OXOptions, status_fd)},
    {NULL, 0},
};

enum { OMNIX_RAN = 1, OMNIX_SETUP = 2 };

typedef struct OXReport {
  int kind;          /* OMNIX_RAN (status and usage are the program's) or OMNIX_SETUP */
  int status;        /* the program's wait status */
  long cpu_ms;       /* its user + system time (its reaped children included) */
  long max_rss_kb;   /* its peak resident size */
  char message[480]; /* what failed while setting up */
} OXReport;

typedef struct OXRun {
  pid_t init;            /* the sandbox's init (PID 1 inside), as the launcher sees it */
  int pidfd;             /* readable once init has ended; -1 when the kernel has no pidfd */
  int report;            /* read end of the pipe init and the program report on */
  int limit;             /* read end of the limit pipe (the runtime names a limit it reached) */
  struct timespec start; /* when init was created */
  const char *killed;    /* the outcome the launcher imposed ("timeout", "memory") or NULL */
  long peak_kb;          /* the largest resident total the watchdog saw */
  long cpu_ms;           /* the largest CPU total it saw (the kernel forgets killed processes') */
} OXRun;

typedef struct OXResult {
  const char *outcome; /* exited, signaled, timeout, cpu, memory, threads, setup-failed */
  int code;            /* the exit code, -1: none */
  int signal;          /* the terminating signal, 0: none */
  long wall_ms;        /* from the start of init to its end */
  long cpu_ms;         /* user + system time of everything that ran inside */
  long max_rss_kb;     /* peak resident size (the program's, or the watchdog's largest total) */
  char message[512];   /* human-readable detail */
} OXResult;

static char omniX_msg[480]; /* the last setup failure */

/* ---------------------------------------------------------------- errors */

/* Record a setup failure: the formatted text and, when errno is set, its text. Returns -1. */
static int omniX_fail(const char *fmt, ...) {
  int saved = errno;
  size_t n;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(omniX_msg, sizeof omniX_msg, fmt, ap);
  va_end(ap);
  n = strlen(omniX_msg);
  if (saved) snprintf(omniX_msg + n, sizeof omniX_msg - n, ": %s", strerror(saved));
  return -1;
}

/* A failure that errno does not describe. */
#define omniX_failx(...) (errno = 0, omniX_fail(__VA_ARGS__))

/* ---------------------------------------------------------------- options */

static int omniX_number(const char *s, long *out) {
  char *end;
  long v;
  errno = 0;
  v = strtol(s, &end, 10);
  if (errno || end == s || *end || v < 0) return omniX_failx("not a non-negative number: %s", s);
  *out = v;
  return 0;
}

static void omniX_defaults(OXOptions *o) {
  memset(o, 0, sizeof *o);
  o->cpu_seconds = 10;
  o->wall_ms = 20000;
  o->memory_mb = 512;
  o->address_space_mb = 4096;
  o->processes = 256;
  o->threads = 256;
  o->file_size_mb = 64;
  o->open_files = 64;
  o->uid = 65534;
  o->gid = 65534;
  o->status_fd = -1;
  o->outer_uid = geteuid();
  o->outer_gid = getegid();
  o->userns = o->outer_uid != 0;
}

/* Set the numeric option called name; 1 when name is not one. */
static int omniX_set_numeric(OXOptions *o, const char *name, const char *value) {
  const OXNumeric *n;
  for (n = omniX_numeric; n->name; n++)
    if (strcmp(n->name, name) == 0) return omniX_number(value, (long *)((char *)o + n->offset));
  return 1;
}

/* Add K=V to the environment, replacing an earlier value of K. */
static void omniX_setenv(char **env, const char *kv) {
  size_t klen = strcspn(kv, "=");
  for (; *env; env++)
    if (strncmp(*env, kv, klen + 1) == 0) break;
  *env = (char *)kv;
}

/* The one option that takes name and value; 0, or -1 after omniX_fail. */
static int omniX_option(OXOptions *o, const char *name, const char *value, size_t *nro) {
  int r;
  if (strcmp(name, "--dir") == 0) o->dir = value;
  else if (strcmp(name, "--uid") == 0 && strcmp(value, "auto") == 0) o->uid = -1;
  else if (strcmp(name, "--gid") == 0 && strcmp(value, "auto") == 0) o->gid = -1;
  else if (strcmp(name, "--ro") == 0) o->ro[(*nro)++] = (char *)value;
  else if (strcmp(name, "--env") == 0) {
    if (!strchr(value, '=') || value[0] == '=') return omniX_failx("--env wants K=V, not %s", value);
  } else if ((r = omniX_set_numeric(o, name, value)) != 0) {
    return r < 0 ? -1 : omniX_failx("unknown option %s", name);
  }
  return 0;
}

/* Parse argv into o (arrays sized by argc); 0, or -1 after omniX_fail. */
static int omniX_parse(OXOptions *o, int argc, char **argv) {
  size_t nro = 0;
  int i;
  o->ro = calloc((size_t)argc + 1, sizeof *o->ro);
  o->env = calloc((size_t)argc + 9, sizeof *o->env);
  if (!o->ro || !o->env) return omniX_fail("out of memory");
  for (i = 1; i < argc && strcmp(argv[i], "--") != 0; i += 2) {
    if (i + 1 >= argc) return omniX_failx("%s wants a value", argv[i]);
    if (omniX_option(o, argv[i], argv[i + 1], &nro) < 0) return -1;
  }
  if (i + 1 >= argc) return omniX_failx("usage: omni-sandbox --dir DIR [options] -- PROGRAM [ARGS...]");
  o->argv = argv + i + 1;
  if (o->argv[0][0] != '/') return omniX_failx("PROGRAM must be an absolute path: %s", o->argv[0]);
  if (!o->dir) return omniX_failx("--dir is required");
  return 0;
}

/* Resolve DIR and the --ro paths (they are mounted at their real paths) and automatic ids: a
   uid of its own per sandbox keeps RLIMIT_NPROC, which counts per uid, per sandbox. */
static int omniX_resolve(OXOptions *o) {
  struct stat st;
  char *dir = realpath(o->dir, NULL), **p;
  if (o->uid < 0) o->uid = OMNIX_AUTO_ID + (long)getpid();
  if (o->gid < 0) o->gid = OMNIX_AUTO_ID + (long)getpid();
  if (!dir) return omniX_fail("--dir %s", o->dir);
  if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode)) return omniX_failx("--dir %s is not a directory", dir);
  o->dir = dir;
  for (p = o->ro; *p; p++) {
    char *real = realpath(*p, NULL);
    if (!real) return omniX_fail("--ro %s", *p);
    *p = real;
  }
  return 0;
}

/* The program's stack: half the memory limit and a quarter of the address space (at most the
   runtime's 1 GiB), so that a runaway recursion ends as `stack overflow` with room to spare
   below the watchdog's kill. */
static long omniX_stack_mb(const OXOptions *o) {
  long mb = OMNIX_STACK_MB;
  if (o->memory_mb && o->memory_mb / 2 < mb) mb = o->memory_mb / 2;
  if (o->address_space_mb && o->address_space_mb / 4 < mb) mb = o->address_space_mb / 4;
  return mb < OMNIX_MIN_STACK_MB ? OMNIX_MIN_STACK_MB : mb;
}

/* Each thread's: at most the program's, and small enough that --threads stacks, the program's
   stack, the memory limit's worth of heap and a reserve all fit in the address space. */
static long omniX_thread_stack_mb(const OXOptions *o) {
  long mb = omniX_stack_mb(o), room;
  if (mb > OMNIX_THREAD_STACK_MB) mb = OMNIX_THREAD_STACK_MB;
  if (o->address_space_mb && o->threads) {
    room = (o->address_space_mb - omniX_stack_mb(o) - o->memory_mb - OMNIX_AS_RESERVE_MB) / o->threads;
    if (room < mb) mb = room;
  }
  return mb < OMNIX_MIN_STACK_MB ? OMNIX_MIN_STACK_MB : mb;
}

/* The runtime's limits (replacing any --env of the same names). */
static void omniX_runtime_env(const OXOptions *o) {
  static char vars[4][48];
  snprintf(vars[0], sizeof vars[0], "OMNI_STACK_MB=%ld", omniX_stack_mb(o));
  snprintf(vars[1], sizeof vars[1], "OMNI_THREAD_STACK_MB=%ld", omniX_thread_stack_mb(o));
  snprintf(vars[2], sizeof vars[2], "OMNI_MAX_THREADS=%ld", o->threads);
  snprintf(vars[3], sizeof vars[3], "OMNI_LIMIT_FD=%d", OMNIX_LIMIT_FD);
  omniX_setenv(o->env, vars[0]);
  omniX_setenv(o->env, vars[1]);
  omniX_setenv(o->env, vars[2]);
  omniX_setenv(o->env, vars[3]);
}

/* The environment: the four fixed variables, the --env pairs (which may replace them), then
   the runtime's limits. */
static void omniX_environment(OXOptions *o, int argc, char **argv) {
  static char home[PATH_MAX + 8], tmpdir[PATH_MAX + 8];
  int i;
  snprintf(home, sizeof home, "HOME=%s", o->dir);
  snprintf(tmpdir, sizeof tmpdir, "TMPDIR=%s", o->dir);
  memset(o->env, 0, ((size_t)argc + 9) * sizeof *o->env);
  o->env[0] = "PATH=/usr/bin:/bin";
  o->env[1] = home;
  o->env[2] = tmpdir;
  o->env[3] = "LANG=C.UTF-8";
  for (i = 1; i + 1 < argc && strcmp(argv[i], "--") != 0; i += 2)
    if (strcmp(argv[i], "--env") == 0) omniX_setenv(o->env, argv[i + 1]);
  omniX_runtime_env(o);
}

/* ---------------------------------------------------------------- init: the file system */

static int omniX_write_file(const char *path, const char *text) {
  int fd = open(path, O_WRONLY | O_CLOEXEC);
  ssize_t n;
  if (fd < 0) return omniX_fail("open %s", path);
  n = write(fd, text, strlen(text));
  close(fd);
  return n == (ssize_t)strlen(text) ? 0 : omniX_fail("write %s", path);
}

/* In a user namespace: the caller's uid and gid map to themselves (and nothing else does). */
static int omniX_map_ids(const OXOptions *o) {
  char map[64];
  if (omniX_write_file("/proc/self/setgroups", "deny") < 0 && errno != ENOENT) return -1;
  snprintf(map, sizeof map, "%u %u 1\n", (unsigned)o->outer_uid, (unsigned)o->outer_uid);
  if (omniX_write_file("/proc/self/uid_map", map) < 0) return -1;
  snprintf(map, sizeof map, "%u %u 1\n", (unsigned)o->outer_gid, (unsigned)o->outer_gid);
  return omniX_write_file("/proc/self/gid_map", map);
}

/* mkdir -p of the directories above path, in the new root. */
static int omniX_mkparents(const char *path) {
  char buf[PATH_MAX], *p;
  snprintf(buf, sizeof buf, "%s", path);
  for (p = buf + 1; (p = strchr(p, '/')) != NULL; p++) {
    *p = 0;
    if (mkdir(buf, 0755) < 0 && errno != EEXIST) return omniX_fail("mkdir %s", buf);
    *p = '/';
  }
  return 0;
}

/* An empty directory or file at path to mount on (nothing to do when path already exists). */
static int omniX_mountpoint(const char *path, int is_dir) {
  struct stat st;
  int fd;
  if (lstat(path, &st) == 0) return 0;
  if (omniX_mkparents(path) < 0) return -1;
  if (is_dir) return mkdir(path, 0755) < 0 ? omniX_fail("mkdir %s", path) : 0;
  fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return omniX_fail("create %s", path);
  close(fd);
  return 0;
}

/* Fallback for kernels without mount_setattr: remount the top mount, keeping locked flags. */
static int omniX_remount(const char *path, int rw, int dev) {
  struct statvfs sv;
  unsigned long flags = MS_REMOUNT | MS_BIND | MS_NOSUID;
  if (statvfs(path, &sv) < 0) return omniX_fail("statvfs %s", path);
  if (!rw || (sv.f_flag & ST_RDONLY)) flags |= MS_RDONLY;
  if (!dev || (sv.f_flag & ST_NODEV)) flags |= MS_NODEV;
  if (sv.f_flag & ST_NOEXEC) flags |= MS_NOEXEC;
  if (sv.f_flag & ST_NOATIME) flags |= MS_NOATIME;
  if (sv.f_flag & ST_NODIRATIME) flags |= MS_NODIRATIME;
  if (sv.f_flag & ST_RELATIME) flags |= MS_RELATIME;
  return mount(NULL, path, NULL, flags, NULL) < 0 ? omniX_fail("remount %s", path) : 0;
}

typedef struct OXMountAttr {
  uint64_t attr_set;    /* MOUNT_ATTR_* to set */
  uint64_t attr_clr;    /* MOUNT_ATTR_* to clear */
  uint64_t propagation; /* unchanged: 0 */
  uint64_t userns_fd;   /* unused */
} OXMountAttr;

/* The mount at path and every mount below it: nosuid, read-only unless rw, nodev unless dev. */
static int omniX_restrict(const char *path, int rw, int dev) {
#ifdef SYS_mount_setattr
  OXMountAttr attr;
  memset(&attr, 0, sizeof attr);
  attr.attr_set = 0x2 /* NOSUID */ | (rw ? 0 : 0x1 /* RDONLY */) | (dev ? 0 : 0x4 /* NODEV */);
  if (syscall(SYS_mount_setattr, AT_FDCWD, path, 0x8000 /* AT_RECURSIVE */, &attr, sizeof attr) == 0) return 0;
  if (errno != ENOSYS) return omniX_fail("mount_setattr %s", path);
#endif
  return omniX_remount(path, rw, dev);
}

/* A symlink of the host (like /lib -> usr/lib) is recreated as the same symlink. */
static int omniX_copy_symlink(const char *src, const char *path) {
  char target[PATH_MAX];
  ssize_t n = readlink(src, target, sizeof target - 1);
  if (n < 0) return omniX_fail("readlink %s", path);
  target[n] = 0;
  if (omniX_mkparents(path) < 0) return -1;
  return symlink(target, path) < 0 ? omniX_fail("symlink %s", path) : 0;
}

/* Make the host's path visible at the same path inside; a missing optional path is skipped. */
static int omniX_expose(const char *path, int rw, int dev, int optional) {
  char src[PATH_MAX + sizeof OMNIX_OLD];
  struct stat st;
  snprintf(src, sizeof src, "%s%s", OMNIX_OLD, path);
  if (lstat(src, &st) < 0) return optional && errno == ENOENT ? 0 : omniX_fail("%s", path);
  if (S_ISLNK(st.st_mode)) return omniX_copy_symlink(src, path);
  if (omniX_mountpoint(path, S_ISDIR(st.st_mode)) < 0) return -1;
  if (mount(src, path, NULL, MS_BIND | MS_REC, NULL) < 0) return omniX_fail("bind %s", path);
  return omniX_restrict(path, rw, dev);
}

/* /dev: four device nodes of the host bound in, and the usual links into /proc/self/fd. */
static int omniX_dev(void) {
  static const char *nodes[] = {"/dev/null", "/dev/zero", "/dev/random", "/dev/urandom", NULL};
  static const char *links[][2] = {{"/proc/self/fd", "/dev/fd"}, {"/proc/self/fd/0", "/dev/stdin"},
                                   {"/proc/self/fd/1", "/dev/stdout"}, {"/proc/self/fd/2", "/dev/stderr"}};
  size_t i;
  for (i = 0; nodes[i]; i++)
    if (omniX_expose(nodes[i], 1, 1, 0) < 0) return -1;
  for (i = 0; i < sizeof links / sizeof links[0]; i++)
    if (symlink(links[i][0], links[i][1]) < 0) return omniX_fail("symlink %s", links[i][1]);
  return 0;
}

/* A fresh /proc for the new PID namespace (mounted while the host's /proc is still attached). */
static int omniX_proc(void) {
  if (mkdir("/proc", 0555) < 0) return omniX_fail("mkdir /proc");
  if (mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0) return omniX_fail("mount /proc");
  return 0;
}

/* A tmpfs mounted on DIR becomes the root; the host's root hangs at OMNIX_OLD meanwhile. */
static int omniX_pivot(const OXOptions *o) {
  char old[PATH_MAX + sizeof OMNIX_OLD];
  if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0) return omniX_fail("make mounts private");
  if (mount("tmpfs", o->dir, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755,size=4m,nr_inodes=4096") < 0)
    return omniX_fail("mount the root tmpfs");
  snprintf(old, sizeof old, "%s%s", o->dir, OMNIX_OLD);
  if (mkdir(old, 0700) < 0) return omniX_fail("mkdir %s", old);
  if (syscall(SYS_pivot_root, o->dir, old) < 0) return omniX_fail("pivot_root");
  return chdir("/") < 0 ? omniX_fail("chdir /") : 0;
}

/* The whole file system of the sandbox; ends with the cwd in DIR and the root read-only. */
static int omniX_build_root(const OXOptions *o) {
  static const char *system[] = {"/usr", "/bin", "/sbin", "/lib", "/lib64", "/etc/ld.so.cache", NULL};
  char **p;
  int i;
  if (omniX_pivot(o) < 0) return -1;
  for (i = 0; system[i]; i++)
    if (omniX_expose(system[i], 0, 0, 1) < 0) return -1;
  for (p = o->ro; *p; p++)
    if (omniX_expose(*p, 0, 0, 0) < 0) return -1;
  if (omniX_dev() < 0 || omniX_proc() < 0 || omniX_expose(o->dir, 1, 0, 0) < 0) return -1;
  if (umount2(OMNIX_OLD, MNT_DETACH) < 0 || rmdir(OMNIX_OLD) < 0) return omniX_fail("detach the host's root");
  if (mount(NULL, "/", NULL, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV, NULL) < 0)
    return omniX_fail("make the root read-only");
  return chdir(o->dir) < 0 ? omniX_fail("chdir %s", o->dir) : 0;
}

/* ---------------------------------------------------------------- the program */

/* Close every fd from lo to hi (inclusive). */
static void omniX_close_range(unsigned lo, unsigned hi) {
  struct rlimit rl;
  unsigned fd;
  if (lo > hi) return;
#ifdef SYS_close_range
  if (syscall(SYS_close_range, lo, hi, 0) == 0) return;
#endif
  if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < hi) hi = (unsigned)rl.rlim_cur;
  for (fd = lo; fd <= hi && fd < 1048576; fd++) close((int)fd);
}

/* Put the limit pipe at OMNIX_LIMIT_FD and the report pipe at OMNIX_REPORT_FD (both close on
   exec; the program reopens the first), and close every other fd above 2. */
static int omniX_place_fds(int report, int limit) {
  int r = fcntl(report, F_DUPFD_CLOEXEC, 10), l = fcntl(limit, F_DUPFD_CLOEXEC, 10);
  if (r < 0 || l < 0) return omniX_fail("dup the pipes");
  if (dup3(l, OMNIX_LIMIT_FD, O_CLOEXEC) < 0 || dup3(r, OMNIX_REPORT_FD, O_CLOEXEC) < 0) return omniX_fail("place the pipes");
  omniX_close_range(OMNIX_REPORT_FD + 1, ~0U);
  return 0;
}

/* Default handlers and an empty signal mask: nothing inherited from the caller. */
static void omniX_reset_signals(void) {
  sigset_t none;
  int s;
  for (s = 1; s < NSIG; s++)
    if (s != SIGKILL && s != SIGSTOP) signal(s, SIG_DFL);
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, NULL);
}

/* setrlimit(resource) to value * scale (soft) and that plus extra (hard); 0 means unlimited. */
static int omniX_limit(int resource, const char *name, long value, rlim_t scale, rlim_t extra) {
  struct rlimit rl;
  rl.rlim_cur = value ? (rlim_t)value * scale : RLIM_INFINITY;
  rl.rlim_max = value ? rl.rlim_cur + extra : RLIM_INFINITY;
  return setrlimit(resource, &rl) < 0 ? omniX_fail("setrlimit %s %ld", name, value) : 0;
}

static int omniX_set_limits(const OXOptions *o) {
  struct rlimit none = {0, 0};
  long nproc = o->processes;
  /* the runtime refuses the thread beyond --threads; the kernel, which also counts threads
     still exiting, must not refuse one before */
  if (nproc && o->threads && nproc < 2 * o->threads + 16) nproc = 2 * o->threads + 16;
  if (omniX_limit(RLIMIT_CPU, "cpu", o->cpu_seconds, 1, 1) < 0) return -1;
  if (omniX_limit(RLIMIT_AS, "as", o->address_space_mb, 1 << 20, 0) < 0) return -1;
  if (omniX_limit(RLIMIT_NPROC, "nproc", nproc, 1, 0) < 0) return -1;
  if (omniX_limit(RLIMIT_FSIZE, "fsize", o->file_size_mb, 1 << 20, 0) < 0) return -1;
  if (o->open_files && omniX_limit(RLIMIT_NOFILE, "nofile", o->open_files, 1, 0) < 0) return -1;
  return setrlimit(RLIMIT_CORE, &none) < 0 ? omniX_fail("setrlimit core") : 0;
}

/* Empty the bounding and ambient sets; as root, become uid/gid; empty the other sets. */
static int omniX_drop_privileges(const OXOptions *o) {
  struct __user_cap_header_struct head;
  struct __user_cap_data_struct data[2];
  int cap;
  for (cap = 0; prctl(PR_CAPBSET_READ, cap, 0, 0, 0) >= 0; cap++)
    if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0) return omniX_fail("drop capability %d", cap);
  if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL) return omniX_fail("clear ambient capabilities");
  if (!o->userns && (setgroups(0, NULL) < 0 || setresgid((gid_t)o->gid, (gid_t)o->gid, (gid_t)o->gid) < 0 ||
                     setresuid((uid_t)o->uid, (uid_t)o->uid, (uid_t)o->uid) < 0))
    return omniX_fail("become uid %ld gid %ld", o->uid, o->gid);
  memset(&head, 0, sizeof head);
  memset(data, 0, sizeof data);
  head.version = _LINUX_CAPABILITY_VERSION_3;
  if (syscall(SYS_capset, &head, data) < 0) return omniX_fail("capset");
  return prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ? omniX_fail("no_new_privs") : 0;
}

#if defined(__x86_64__)
#define OMNIX_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define OMNIX_ARCH AUDIT_ARCH_AARCH64
#endif

#ifdef OMNIX_ARCH
#ifndef SECCOMP_RET_KILL_PROCESS
#define SECCOMP_RET_KILL_PROCESS SECCOMP_RET_KILL
#endif
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define OMNIX_ARG0 (offsetof(struct seccomp_data, args) + 4) /* low half of the first argument */
#else
#define OMNIX_ARG0 offsetof(struct seccomp_data, args)
#endif
#define OMNIX_LD(off) BPF_STMT(BPF_LD | BPF_W | BPF_ABS, (off))
#define OMNIX_RET(v) BPF_STMT(BPF_RET | BPF_K, (v))
#define OMNIX_IF(nr, skip) BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (nr), 0, (skip))
#define OMNIX_EPERM (SECCOMP_RET_ERRNO | EPERM)
#define OMNIX_DENY(nr) OMNIX_IF(nr, 1), OMNIX_RET(OMNIX_EPERM)
#define OMNIX_NS_FLAGS (CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWCGROUP)

/* The filter: refuse foreign ABIs, deny the listed calls, then look at clone's and socket's
   first argument. Anything else is allowed. */
static const struct sock_filter omniX_filter[] = {
    OMNIX_LD(offsetof(struct seccomp_data, arch)),
    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, OMNIX_ARCH, 1, 0),
    OMNIX_RET(SECCOMP_RET_KILL_PROCESS),
    OMNIX_LD(offsetof(struct seccomp_data, nr)),
#ifdef __x86_64__
    BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, 0x40000000 /* x32 */, 0, 1),
    OMNIX_RET(OMNIX_EPERM),
#endif
    OMNIX_DENY(__NR_ptrace), OMNIX_DENY(__NR_mount), OMNIX_DENY(__NR_umount2),
    OMNIX_DENY(__NR_pivot_root), OMNIX_DENY(__NR_chroot), OMNIX_DENY(__NR_unshare),
    OMNIX_DENY(__NR_setns), OMNIX_DENY(__NR_bpf), OMNIX_DENY(__NR_perf_event_open),
    OMNIX_DENY(__NR_keyctl), OMNIX_DENY(__NR_add_key), OMNIX_DENY(__NR_request_key),
    OMNIX_DENY(__NR_init_module), OMNIX_DENY(__NR_finit_module), OMNIX_DENY(__NR_delete_module),
    OMNIX_DENY(__NR_kexec_load), OMNIX_DENY(__NR_reboot), OMNIX_DENY(__NR_swapon),
    OMNIX_DENY(__NR_swapoff), OMNIX_DENY(__NR_userfaultfd), OMNIX_DENY(__NR_shmget),
    OMNIX_DENY(__NR_msgget), OMNIX_DENY(__NR_semget), OMNIX_DENY(__NR_memfd_create),
#ifdef __NR_kexec_file_load
    OMNIX_DENY(__NR_kexec_file_load),
#endif
#ifdef __NR_io_uring_setup
    OMNIX_DENY(__NR_io_uring_setup), OMNIX_DENY(__NR_io_uring_enter), OMNIX_DENY(__NR_io_uring_register),
#endif
#ifdef __NR_open_tree
    OMNIX_DENY(__NR_open_tree), OMNIX_DENY(__NR_move_mount), OMNIX_DENY(__NR_fsopen),
    OMNIX_DENY(__NR_fsconfig), OMNIX_DENY(__NR_fsmount), OMNIX_DENY(__NR_fspick),
#endif
#ifdef __NR_mount_setattr
    OMNIX_DENY(__NR_mount_setattr),
#endif
#ifdef __NR_clone3
    OMNIX_IF(__NR_clone3, 1), OMNIX_RET(SECCOMP_RET_ERRNO | ENOSYS),
#endif
    OMNIX_IF(__NR_clone, 4), OMNIX_LD(OMNIX_ARG0),
    BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, OMNIX_NS_FLAGS, 0, 1),
    OMNIX_RET(OMNIX_EPERM), OMNIX_RET(SECCOMP_RET_ALLOW),
    OMNIX_IF(__NR_socket, 4), OMNIX_LD(OMNIX_ARG0),
    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AF_UNIX, 0, 1),
    OMNIX_RET(SECCOMP_RET_ALLOW), OMNIX_RET(OMNIX_EPERM),
    OMNIX_RET(SECCOMP_RET_ALLOW),
};
#endif

/* Install the filter (needs no_new_privs); other architectures run without one, and say so. */
static int omniX_seccomp(void) {
#ifdef OMNIX_ARCH
  struct sock_fprog prog;
  prog.len = (unsigned short)(sizeof omniX_filter / sizeof omniX_filter[0]);
  prog.filter = (struct sock_filter *)omniX_filter;
  return prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0) < 0 ? omniX_fail("install the seccomp filter") : 0;
#else
  fputs("omni-sandbox: no seccomp filter on this architecture (x86_64 and aarch64 only)\n", stderr);
  return 0;
#endif
}

/* Report a setup failure on fd (what omniX_fail recorded) and end this process. */
static void omniX_die(int fd) {
  OXReport r;
  memset(&r, 0, sizeof r);
  r.kind = OMNIX_SETUP;
  snprintf(r.message, sizeof r.message, "%s", omniX_msg);
  if (write(fd, &r, sizeof r) < 0) { /* the launcher is gone: nobody to tell */ }
  _exit(OMNIX_SETUP_STATUS);
}

/* PID 2: limits, no privileges, the filter, then PROGRAM. The report fd closes on exec; the
   limit pipe stays open in it. */
static void omniX_program(const OXOptions *o, int report) {
  omniX_reset_signals();
  if (fcntl(OMNIX_LIMIT_FD, F_SETFD, 0) < 0) omniX_fail("keep the limit pipe open");
  else if (omniX_set_limits(o) == 0 && omniX_drop_privileges(o) == 0 && omniX_seccomp() == 0) {
    execve(o->argv[0], o->argv, o->env);
    omniX_fail("execve %s", o->argv[0]);
  }
  omniX_die(report);
}

/* ---------------------------------------------------------------- init */

/* Die with the launcher; 0 unless the launcher already died (its end of alive is closed). */
static int omniX_tie_to_launcher(int alive) {
  struct pollfd p;
  if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0) return omniX_fail("PR_SET_PDEATHSIG");
  p.fd = alive;
  p.events = POLLIN;
  if (poll(&p, 1, 0) != 0) _exit(OMNIX_SETUP_STATUS);
  close(alive);
  return 0;
}

/* Everything init does before forking the program; *report moves to OMNIX_REPORT_FD. */
static int omniX_init_setup(const OXOptions *o, int *report, int alive, int limit) {
  if (omniX_tie_to_launcher(alive) < 0) return -1;
  if (setsid() < 0) return omniX_fail("setsid");
  if (omniX_place_fds(*report, limit) < 0) return -1;
  *report = OMNIX_REPORT_FD;
  if (o->userns && omniX_map_ids(o) < 0) return -1;
  if (sethostname(OMNIX_HOSTNAME, strlen(OMNIX_HOSTNAME)) < 0) return omniX_fail("sethostname");
  if (omniX_build_root(o) < 0) return -1;
  return prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0 ? omniX_fail("PR_SET_DUMPABLE") : 0;
}

static long omniX_tv_ms(struct timeval tv) { return (long)tv.tv_sec * 1000 + (long)tv.tv_usec / 1000; }

/* PID 1: set up, fork the program, reap everything until the program ends, report. Its exit
   makes the kernel kill whatever else is left in the namespace. */
static int omniX_init(const OXOptions *o, int report, int alive, int limit) {
  OXReport r;
  struct rusage ru;
  pid_t prog, w;
  int st = 0;
  if (omniX_init_setup(o, &report, alive, limit) < 0) omniX_die(report);
  if ((prog = fork()) < 0) {
    omniX_fail("fork the program");
    omniX_die(report);
  }
  if (prog == 0) omniX_program(o, report);
  while ((w = wait4(-1, &st, 0, &ru)) != prog) {
    if (w < 0 && errno != EINTR) {
      omniX_fail("wait for the program");
      omniX_die(report);
    }
  }
  memset(&r, 0, sizeof r);
  r.kind = OMNIX_RAN;
  r.status = st;
  r.cpu_ms = omniX_tv_ms(ru.ru_utime) + omniX_tv_ms(ru.ru_stime);
  r.max_rss_kb = ru.ru_maxrss;
  if (write(report, &r, sizeof r) < 0) { /* the launcher is gone */ }
  _exit(0);
}

/* ---------------------------------------------------------------- the launcher's watchdog */

static long omniX_elapsed_ms(const OXRun *run) {
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return (long)(now.tv_sec - run->start.tv_sec) * 1000 + (now.tv_nsec - run->start.tv_nsec) / 1000000;
}

typedef struct OXUsage {
  long kb;     /* resident kilobytes */
  long cpu_ms; /* user + system time, reaped children included */
} OXUsage;

/* Add one process's resident size and CPU time (its own and its reaped children's) to u. */
static void omniX_add_usage(pid_t pid, OXUsage *u) {
  char path[64], buf[1024], *p;
  unsigned long ut, st;
  long cut, cst, rss;
  ssize_t n;
  int fd;
  snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
  if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) return;
  n = read(fd, buf, sizeof buf - 1);
  close(fd);
  if (n <= 0) return;
  buf[n] = 0;
  if (!(p = strrchr(buf, ')'))) return; /* the command name may hold anything: skip past it */
  if (sscanf(p + 1, " %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu %ld %ld %*d %*d %*d %*d %*u %*u %ld",
             &ut, &st, &cut, &cst, &rss) != 5) return;
  u->kb += rss * (sysconf(_SC_PAGESIZE) / 1024);
  u->cpu_ms += (long)(ut + st + (unsigned long)cut + (unsigned long)cst) * 1000 / sysconf(_SC_CLK_TCK);
}

typedef struct OXPids {
  pid_t *items; /* the processes found so far */
  size_t n;     /* how many */
  size_t cap;   /* allocated */
} OXPids;

static void omniX_push(OXPids *q, pid_t pid) {
  if (q->n == q->cap) {
    size_t cap = q->cap ? q->cap * 2 : 64;
    pid_t *items = realloc(q->items, cap * sizeof *items);
    if (!items || cap > 1 << 20) return;
    q->items = items;
    q->cap = cap;
  }
  q->items[q->n++] = pid;
}

/* Append the children of every thread of pid (/proc/PID/task/TID/children). */
static void omniX_push_children(OXPids *q, pid_t pid) {
  char path[96];
  struct dirent *t;
  DIR *tasks;
  snprintf(path, sizeof path, "/proc/%d/task", (int)pid);
  if (!(tasks = opendir(path))) return;
  while ((t = readdir(tasks)) != NULL) {
    FILE *f;
    int child;
    if (t->d_name[0] == '.') continue;
    snprintf(path, sizeof path, "/proc/%d/task/%.20s/children", (int)pid, t->d_name);
    if (!(f = fopen(path, "re"))) continue;
    while (fscanf(f, "%d", &child) == 1) omniX_push(q, (pid_t)child);
    fclose(f);
  }
  closedir(tasks);
}

/* Usage of init and all its descendants: every process of the sandbox. */
static OXUsage omniX_sandbox_usage(pid_t init) {
  static OXPids q;
  OXUsage u = {0, 0};
  size_t i;
  q.n = 0;
  omniX_push(&q, init);
  for (i = 0; i < q.n; i++) {
    omniX_add_usage(q.items[i], &u);
    omniX_push_children(&q, q.items[i]);
  }
  return u;
}

static void omniX_kill(OXRun *run, const char *outcome) {
  run->killed = outcome;
  kill(run->init, SIGKILL);
}

/* Sleep one watchdog period, waking early when init ends (pidfd) or the wall limit is due. */
static void omniX_pause(const OXOptions *o, const OXRun *run, long elapsed) {
  long ms = OMNIX_POLL_MS;
  if (o->wall_ms && !run->killed && o->wall_ms - elapsed < ms) ms = o->wall_ms - elapsed > 0 ? o->wall_ms - elapsed : 0;
  if (run->pidfd >= 0) {
    struct pollfd p;
    p.fd = run->pidfd;
    p.events = POLLIN;
    poll(&p, 1, (int)ms);
  } else {
    struct timespec ts;
    ts.tv_sec = 0;
    ts.tv_nsec = ms * 1000000L;
    nanosleep(&ts, NULL);
  }
}

/* One look at the sandbox: its usage so far, and the kill when a limit is passed. */
static void omniX_check(const OXOptions *o, OXRun *run) {
  long elapsed = omniX_elapsed_ms(run);
  OXUsage u = omniX_sandbox_usage(run->init);
  if (u.kb > run->peak_kb) run->peak_kb = u.kb;
  if (u.cpu_ms > run->cpu_ms) run->cpu_ms = u.cpu_ms;
  if (o->wall_ms && elapsed >= o->wall_ms) omniX_kill(run, "timeout");
  else if (o->memory_mb && u.kb > o->memory_mb * 1024) omniX_kill(run, "memory");
}

/* Wait for init, enforcing the wall-clock and memory limits; 0, or -1 after omniX_fail. */
static int omniX_watch(const OXOptions *o, OXRun *run, int *status, struct rusage *ru) {
  for (;;) {
    pid_t w = wait4(run->init, status, WNOHANG, ru);
    if (w == run->init) return 0;
    if (w < 0 && errno != EINTR) return omniX_fail("wait for the sandbox");
    if (!run->killed) omniX_check(o, run);
    omniX_pause(o, run, omniX_elapsed_ms(run));
  }
}

/* ---------------------------------------------------------------- the launcher's report */

static const char *omniX_signal_name(int sig, char *buf, size_t size) {
  static const struct { int sig; const char *name; } names[] = {
      {SIGHUP, "SIGHUP"},   {SIGINT, "SIGINT"},   {SIGQUIT, "SIGQUIT"}, {SIGILL, "SIGILL"},
      {SIGTRAP, "SIGTRAP"}, {SIGABRT, "SIGABRT"}, {SIGBUS, "SIGBUS"},   {SIGFPE, "SIGFPE"},
      {SIGKILL, "SIGKILL"}, {SIGUSR1, "SIGUSR1"}, {SIGSEGV, "SIGSEGV"}, {SIGUSR2, "SIGUSR2"},
      {SIGPIPE, "SIGPIPE"}, {SIGALRM, "SIGALRM"}, {SIGTERM, "SIGTERM"}, {SIGXCPU, "SIGXCPU"},
      {SIGXFSZ, "SIGXFSZ"}, {SIGSYS, "SIGSYS"},   {SIGVTALRM, "SIGVTALRM"}, {SIGPROF, "SIGPROF"},
      {SIGSTKFLT, "SIGSTKFLT"}, {SIGCHLD, "SIGCHLD"}, {SIGCONT, "SIGCONT"}, {SIGSTOP, "SIGSTOP"},
      {SIGTSTP, "SIGTSTP"}, {SIGTTIN, "SIGTTIN"}, {SIGTTOU, "SIGTTOU"}, {SIGURG, "SIGURG"},
      {SIGWINCH, "SIGWINCH"}, {SIGIO, "SIGIO"}, {SIGPWR, "SIGPWR"}};
  size_t i;
  for (i = 0; i < sizeof names / sizeof names[0]; i++)
    if (names[i].sig == sig) return names[i].name;
  snprintf(buf, size, "SIG%d", sig);
  return buf;
}

/* A limit the runtime reported on the limit pipe before exiting ("threads", "memory"); any
   other text is ignored. */
static void omniX_judge_limit(const OXOptions *o, const char *limit, OXResult *res) {
  if (strcmp(limit, "threads") == 0) {
    res->outcome = "threads";
    snprintf(res->message, sizeof res->message, "thread limit of %ld reached", o->threads);
  } else if (strcmp(limit, "memory") == 0) {
    res->outcome = "memory";
    if (o->address_space_mb) snprintf(res->message, sizeof res->message, "out of memory (address-space limit of %ld MiB)", o->address_space_mb);
    else snprintf(res->message, sizeof res->message, "out of memory");
  }
}

/* The program's wait status as reported by init, and what it said on the limit pipe. */
static void omniX_judge_program(const OXOptions *o, const OXReport *rep, const char *limit, OXResult *res) {
  int st = rep->status;
  if (WIFEXITED(st)) {
    res->outcome = "exited";
    res->code = WEXITSTATUS(st);
    omniX_judge_limit(o, limit, res);
    return;
  }
  res->signal = WIFSIGNALED(st) ? WTERMSIG(st) : SIGKILL;
  res->outcome = "signaled";
  if ((res->signal == SIGXCPU || res->signal == SIGKILL) && o->cpu_seconds && rep->cpu_ms >= o->cpu_seconds * 1000 - 50) {
    res->outcome = "cpu";
    snprintf(res->message, sizeof res->message, "CPU time limit of %ld s exceeded", o->cpu_seconds);
  }
}

/* Decide the outcome from what the launcher did, what init and the runtime reported and how
   init ended. */
static void omniX_judge(const OXOptions *o, const OXRun *run, int status, const OXReport *rep, const char *limit, OXResult *res) {
  res->code = -1;
  if (run->killed) {
    res->outcome = run->killed;
    res->signal = SIGKILL;
    if (strcmp(run->killed, "timeout") == 0) snprintf(res->message, sizeof res->message, "wall-clock limit of %ld ms exceeded", o->wall_ms);
    else snprintf(res->message, sizeof res->message, "resident memory above %ld MiB", o->memory_mb);
  } else if (rep && rep->kind == OMNIX_SETUP) {
    res->outcome = "setup-failed";
    snprintf(res->message, sizeof res->message, "%s", rep->message);
  } else if (rep) {
    omniX_judge_program(o, rep, limit, res);
  } else {
    char buf[16];
    res->outcome = "setup-failed";
    snprintf(res->message, sizeof res->message, "the sandbox's init ended without a report (%s %d)",
             WIFSIGNALED(status) ? omniX_signal_name(WTERMSIG(status), buf, sizeof buf) : "status",
             WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
  }
}

/* Append s to out as a JSON string. */
static void omniX_json_string(char *out, size_t size, const char *s) {
  size_t n = strlen(out);
  for (; *s && n + 8 < size; s++) {
    unsigned char c = (unsigned char)*s;
    if (c == '"' || c == '\\') n += (size_t)snprintf(out + n, size - n, "\\%c", c);
    else if (c < 0x20) n += (size_t)snprintf(out + n, size - n, "\\u%04x", c);
    else out[n++] = (char)c;
  }
  out[n] = 0;
}

/* The one status line on --status-fd. */
static void omniX_write_status(long fd, const OXResult *res) {
  char line[1200], code[16], sig[32], buf[16];
  size_t n;
  if (fd < 0) return;
  snprintf(code, sizeof code, res->code >= 0 ? "%d" : "null", res->code);
  if (res->signal) snprintf(sig, sizeof sig, "\"%s\"", omniX_signal_name(res->signal, buf, sizeof buf));
  else snprintf(sig, sizeof sig, "null");
  snprintf(line, sizeof line, "{\"outcome\":\"%s\",\"code\":%s,\"signal\":%s,\"wallMs\":%ld,\"cpuMs\":%ld,\"maxRssKb\":%ld,\"message\":\"",
           res->outcome, code, sig, res->wall_ms, res->cpu_ms, res->max_rss_kb);
  omniX_json_string(line, sizeof line - 4, res->message);
  n = strlen(line);
  snprintf(line + n, sizeof line - n, "\"}\n");
  signal(SIGPIPE, SIG_IGN);
  if (write((int)fd, line, strlen(line)) < 0) { /* nobody is listening */ }
}

/* Report res on the status fd (and a failure on stderr); returns the launcher's exit status. */
static int omniX_finish(const OXOptions *o, const OXResult *res) {
  if (strcmp(res->outcome, "setup-failed") == 0) fprintf(stderr, "omni-sandbox: %s\n", res->message);
  omniX_write_status(o->status_fd, res);
  if (strcmp(res->outcome, "setup-failed") == 0) return OMNIX_SETUP_STATUS;
  return res->code >= 0 ? res->code : 128 + res->signal;
}

/* A failure before the sandbox exists. */
static int omniX_early_failure(const OXOptions *o) {
  OXResult res;
  memset(&res, 0, sizeof res);
  res.outcome = "setup-failed";
  res.code = -1;
  snprintf(res.message, sizeof res.message, "%s", omniX_msg);
  return omniX_finish(o, &res);
}

/* ---------------------------------------------------------------- the launcher */

/* fork into new namespaces (a raw clone: glibc's fork cannot take namespace flags). */
static pid_t omniX_clone(const OXOptions *o) {
  unsigned long flags = CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS | SIGCHLD;
  if (o->userns) flags |= CLONE_NEWUSER;
  return (pid_t)syscall(SYS_clone, flags, NULL, NULL, NULL, NULL);
}

/* Create the sandbox; in the launcher returns with run filled in, or -1 after omniX_fail. */
static int omniX_start(const OXOptions *o, OXRun *run) {
  int report[2], alive[2], limit[2];
  if (!o->userns && chown(o->dir, (uid_t)o->uid, (gid_t)o->gid) < 0) return omniX_fail("chown %s", o->dir);
  if (pipe2(report, O_CLOEXEC) < 0 || pipe2(alive, O_CLOEXEC) < 0 || pipe2(limit, O_CLOEXEC) < 0) return omniX_fail("pipe");
  clock_gettime(CLOCK_MONOTONIC, &run->start);
  fflush(NULL);
  run->init = omniX_clone(o);
  if (run->init < 0) return omniX_fail("clone into new namespaces");
  if (run->init == 0) {
    close(report[0]);
    close(alive[1]);
    close(limit[0]);
    _exit(omniX_init(o, report[1], alive[0], limit[1]));
  }
  close(report[1]);
  close(alive[0]); /* alive[1] stays open (and unwritten) for as long as the launcher lives */
  close(limit[1]);
  run->report = report[0];
  run->limit = limit[0];
  run->pidfd = -1;
#ifdef SYS_pidfd_open
  run->pidfd = (int)syscall(SYS_pidfd_open, run->init, 0);
#endif
  return 0;
}

/* The first report init or the program sent (a setup failure comes before anything else). */
static int omniX_read_report(int fd, OXReport *rep) {
  ssize_t n;
  fcntl(fd, F_SETFL, O_NONBLOCK);
  n = read(fd, rep, sizeof *rep);
  return n == (ssize_t)sizeof *rep;
}

/* The first line the runtime wrote on the limit pipe ("" when none). */
static void omniX_read_limit(int fd, char *line, size_t size) {
  ssize_t n;
  fcntl(fd, F_SETFL, O_NONBLOCK);
  n = read(fd, line, size - 1);
  line[n > 0 ? n : 0] = 0;
  line[strcspn(line, "\n")] = 0;
}

int main(int argc, char **argv) {
  OXOptions o;
  OXRun run;
  OXReport rep;
  OXResult res;
  struct rusage ru;
  char limit[32];
  int status = 0, got;
  omniX_defaults(&o);
  if (omniX_parse(&o, argc, argv) < 0 || omniX_resolve(&o) < 0) return omniX_early_failure(&o);
  omniX_environment(&o, argc, argv);
  memset(&run, 0, sizeof run);
  memset(&ru, 0, sizeof ru);
  if (omniX_start(&o, &run) < 0 || omniX_watch(&o, &run, &status, &ru) < 0) return omniX_early_failure(&o);
  got = omniX_read_report(run.report, &rep);
  omniX_read_limit(run.limit, limit, sizeof limit);
  memset(&res, 0, sizeof res);
  omniX_judge(&o, &run, status, got ? &rep : NULL, limit, &res);
  res.wall_ms = omniX_elapsed_ms(&run);
  res.cpu_ms = omniX_tv_ms(ru.ru_utime) + omniX_tv_ms(ru.ru_stime);
  if (got && rep.kind == OMNIX_RAN && rep.cpu_ms > res.cpu_ms) res.cpu_ms = rep.cpu_ms;
  if (run.cpu_ms > res.cpu_ms) res.cpu_ms = run.cpu_ms;
  res.max_rss_kb = ru.ru_maxrss > run.peak_kb ? ru.ru_maxrss : run.peak_kb;
  return omniX_finish(&o, &res);
}
