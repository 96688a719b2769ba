/*
 * lock: serializes apply and rollback on one root. STATE/lock (0600) is
 * held with an open file description lock (F_OFD_SETLK), released by the
 * kernel when the process ends however it ends, so a killed run never
 * leaves a stale lock behind.
 */
#ifndef TWTUNE_LOCK_H
#define TWTUNE_LOCK_H

#define LOCK_TIMEOUT_MS_DEFAULT 30000

/* Takes the lock in state_fd, waiting up to timeout_ms (0: do not wait).
 * -EAGAIN when another process still holds it after that. Returns the
 * lock fd in *ret_fd. */
int lock_acquire(int state_fd, unsigned timeout_ms, int *ret_fd);
/* Releases (closes) a lock fd; accepts -1. */
void lock_release(int fd);

#endif
