/*
 * Signals. Ctrl-C (SIGINT), SIGTERM and SIGHUP during a command that writes
 * a bundle or extracts one: the first cancels the operation
 * (appui/status.h), which stops at its next step and removes what it wrote;
 * a second one ends the process at once. At any other time, they remove the
 * temporaries of output files being written (appui/atomic.h) and end the
 * process as the signal would. (A batch catches them itself: batch.c.)
 */
#include <signal.h>
#include <string.h>

#include "cli.h"

static const int caught[] = {SIGINT, SIGTERM, SIGHUP};
static struct sigaction saved[3];

static void on_signal_leave(int sig)
{
	ap_atomic_remove_all();
	signal(sig, SIG_DFL);
	raise(sig);
}

static void on_signal(int sig)
{
	ap_cancel();
	signal(sig, on_signal_leave); /* the next one ends the process */
}

/* Installs `handler` for the three signals, but where one is ignored (it
 * stays so, as for any command); the old actions into `old`. */
static void catch_all(void (*handler)(int), struct sigaction *old)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = handler;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < 3; i++) {
		sigaction(caught[i], NULL, &old[i]);
		/* A signal ignored from the start (nohup, a background job)
		 * stays ignored, as for any command. */
		if (old[i].sa_handler != SIG_IGN)
			sigaction(caught[i], &sa, NULL);
	}
}

void leave_clean_on_signals(void)
{
	struct sigaction old[3];
	catch_all(on_signal_leave, old);
}

void cancel_on_signals(void)
{
	ap_cancel_clear();
	catch_all(on_signal, saved);
}

void cancel_off(void)
{
	for (size_t i = 0; i < 3; i++)
		sigaction(caught[i], &saved[i], NULL);
}
