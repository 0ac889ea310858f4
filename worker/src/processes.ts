// Other processes on this machine, as the worker's clean-up code needs them.

/** Is a process with this id running (one of another user's counts)? */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
