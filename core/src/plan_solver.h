/*
 * The planner's 0-1 programs as the solver sees them: rows with bounds,
 * binary columns with an objective, a time limit and a cutoff. Only
 * plan_solver.c knows which solver answers (CBC); the rest of the planner
 * speaks to it through this header.
 */
#ifndef APPUI_PLAN_SOLVER_H
#define APPUI_PLAN_SOLVER_H

#include <stddef.h>

/* A 0-1 program: every column is an integer in [col_lo, col_up]. */
typedef struct plan_program {
	int n_rows;
	double *row_lo, *row_up; /* -DBL_MAX / DBL_MAX: unbounded */
	/* Columns, in compressed sparse column form. */
	size_t n_cols, cap_cols;
	size_t *col_start; /* n_cols + 1 once the last column is ended */
	double *obj, *col_lo, *col_up;
	size_t n_elems, cap_elems;
	int *index; /* row of each element, increasing within a column */
	double *value;
	int maximise;
	double seconds; /* time limit */
	int has_cutoff;
	double cutoff; /* in the solver's sense: only better plans are kept */
	double allowable_gap;
} plan_program;

/* What a solve gave. */
typedef struct plan_solution {
	double *x;        /* the best solution found, n_cols; NULL when none */
	int proven;       /* proven optimal */
	int stopped;      /* stopped by the time or node limit */
	double objective; /* the objective of x */
	double bound;     /* the best possible objective */
	int status, secondary; /* the solver's own codes, for messages */
} plan_solution;

/* An empty program with `n_rows` rows, each unbounded below and up to 1. */
void plan_program_init(plan_program *pg, int n_rows);
/* Starts a column; its elements follow with plan_program_elem(). */
void plan_program_column(plan_program *pg, double obj, double lo, double up);
void plan_program_elem(plan_program *pg, int row, double value);
void plan_program_free(plan_program *pg);

/* Solves the program; `sol` then holds what the solver found. */
void plan_program_solve(plan_program *pg, plan_solution *sol);
void plan_solution_free(plan_solution *sol);

#endif
