//go:build cgo

#include <pthread.h>
#include <stdint.h>

#include "_cgo_export.h"

struct job {
	uintptr_t handle;
	int first;
	int calls;
};

static void *run_job(void *arg) {
	struct job *j = arg;
	for (int i = 0; i < j->calls; i++) {
		ctxvarCgoCallback(j->handle, j->first + i);
	}
	return NULL;
}

static int run_thread(uintptr_t handle, int first, int calls) {
	struct job j = {handle, first, calls};
	pthread_t t;
	int rc = pthread_create(&t, NULL, run_job, &j);
	if (rc != 0) {
		return rc;
	}
	return pthread_join(t, NULL);
}

// One thread that calls Go calls times.
int ctxvar_cgocallback_one_thread(uintptr_t handle, int calls) {
	return run_thread(handle, 0, calls);
}

// threads threads one after another, each calling Go once; each has exited
// (pthread_join) before the next is created.
int ctxvar_cgocallback_threads(uintptr_t handle, int threads) {
	for (int i = 0; i < threads; i++) {
		int rc = run_thread(handle, i, 1);
		if (rc != 0) {
			return rc;
		}
	}
	return 0;
}
