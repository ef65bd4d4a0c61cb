/*
 * Ctrl-C (SIGINT), SIGTERM and SIGHUP during a command that writes a bundle
 * or extracts one: the first cancels the operation (appui/status.h), which
 * stops at its next step and removes what it wrote; a second one ends the
 * process at once.
 */
#include <signal.h>
#include <string.h>

#include "cli.h"

static const int caught[] = {SIGINT, SIGTERM, SIGHUP};
static struct sigaction saved[3];

static void on_signal(int sig)
{
	ap_cancel();
	signal(sig, SIG_DFL);
}

void cancel_on_signals(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	ap_cancel_clear();
	for (size_t i = 0; i < 3; i++) {
		sigaction(caught[i], NULL, &saved[i]);
		/* A signal ignored from the start (nohup, a background job)
		 * stays ignored, as for any command. */
		if (saved[i].sa_handler != SIG_IGN)
			sigaction(caught[i], &sa, NULL);
	}
}

void cancel_off(void)
{
	for (size_t i = 0; i < 3; i++)
		sigaction(caught[i], &saved[i], NULL);
}
