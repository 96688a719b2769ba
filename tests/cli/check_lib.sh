# Sourced by the check tests after tests/lib.sh.
# with_owners DIR: a copy of the check-busy fixture root at DIR with the
# /proc/PID/fd links that tie its CLOSE_WAIT sockets to processes. They are
# made here because they dangle ("socket:[INODE]"), and `make dist` drops
# dangling symlinks from the tarball.
with_owners() {
	cp -R "$FIXTURES/roots/check-busy" "$1" || exit 99
	mkdir -p "$1/proc/4242/fd" "$1/proc/1/fd" || exit 99
	ln -s 'socket:[3001]' "$1/proc/4242/fd/3" &&
	ln -s 'socket:[3002]' "$1/proc/4242/fd/4" &&
	ln -s 'socket:[3003]' "$1/proc/4242/fd/5" &&
	ln -s 'socket:[2001]' "$1/proc/1/fd/3" || exit 99
}
