/*
 * The planner's solver: a 0-1 program (plan_solver.h) handed to CBC, COIN-OR
 * branch and cut. This is the only file that includes CBC's headers, so that
 * the rest of the planner does not depend on the solver it uses.
 */
#include "plan_solver.h"

#include <Cbc_C_Interface.h>
#include <float.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

void plan_program_init(plan_program *pg, int n_rows)
{
	*pg = (plan_program){.n_rows = n_rows};
	size_t n = n_rows > 0 ? (size_t)n_rows : 1;
	pg->row_lo = ap_xmalloc(n * sizeof(double));
	pg->row_up = ap_xmalloc(n * sizeof(double));
	for (int r = 0; r < n_rows; r++) {
		pg->row_lo[r] = -DBL_MAX;
		pg->row_up[r] = 1;
	}
}

void plan_program_column(plan_program *pg, double obj, double lo, double up)
{
	if (pg->n_cols + 1 >= pg->cap_cols) {
		pg->cap_cols = pg->cap_cols ? pg->cap_cols * 2 : 256;
		pg->col_start =
		    ap_xrealloc(pg->col_start, pg->cap_cols * sizeof(size_t));
		pg->obj = ap_xrealloc(pg->obj, pg->cap_cols * sizeof(double));
		pg->col_lo =
		    ap_xrealloc(pg->col_lo, pg->cap_cols * sizeof(double));
		pg->col_up =
		    ap_xrealloc(pg->col_up, pg->cap_cols * sizeof(double));
	}
	pg->col_start[pg->n_cols] = pg->n_elems;
	pg->obj[pg->n_cols] = obj;
	pg->col_lo[pg->n_cols] = lo;
	pg->col_up[pg->n_cols] = up;
	pg->n_cols++;
	pg->col_start[pg->n_cols] = pg->n_elems;
}

void plan_program_elem(plan_program *pg, int row, double value)
{
	if (pg->n_elems == pg->cap_elems) {
		pg->cap_elems = pg->cap_elems ? pg->cap_elems * 2 : 1024;
		pg->index = ap_xrealloc(pg->index, pg->cap_elems * sizeof(int));
		pg->value =
		    ap_xrealloc(pg->value, pg->cap_elems * sizeof(double));
	}
	pg->index[pg->n_elems] = row;
	pg->value[pg->n_elems++] = value;
	pg->col_start[pg->n_cols] = pg->n_elems;
}

void plan_program_free(plan_program *pg)
{
	free(pg->row_lo);
	free(pg->row_up);
	free(pg->col_start);
	free(pg->obj);
	free(pg->col_lo);
	free(pg->col_up);
	free(pg->index);
	free(pg->value);
	*pg = (plan_program){0};
}

void plan_program_solve(plan_program *pg, plan_solution *sol)
{
	*sol = (plan_solution){0};
	size_t nc = pg->n_cols;
	CoinBigIndex *start = ap_xmalloc((nc + 1) * sizeof(CoinBigIndex));
	for (size_t j = 0; j <= nc; j++)
		start[j] = nc ? (CoinBigIndex)pg->col_start[j] : 0;
	Cbc_Model *model = Cbc_newModel();
	Cbc_loadProblem(model, (int)nc, pg->n_rows, start, pg->index, pg->value,
	                pg->col_lo, pg->col_up, pg->obj, pg->row_lo,
	                pg->row_up);
	Cbc_setObjSense(model, pg->maximise ? -1.0 : 1.0);
	for (size_t j = 0; j < nc; j++)
		Cbc_setInteger(model, (int)j);
	/* Quiet: stdout carries the plan. */
	Cbc_setLogLevel(model, 0);
	Cbc_setParameter(model, "log", "0");
	Cbc_setParameter(model, "slog", "0");
	Cbc_setAllowableGap(model, pg->allowable_gap);
	Cbc_setAllowableFractionGap(model, 0.0);
	/* The limit is wall time, as the user gives it: CBC counts CPU
	 * seconds unless told. */
	Cbc_setParameter(model, "timeMode", "elapsed");
	Cbc_setMaximumSeconds(model, pg->seconds);
	if (pg->has_cutoff)
		Cbc_setCutoff(model, pg->cutoff);
	sol->status = Cbc_solve(model);
	const double *x = Cbc_bestSolution(model);
	if (x) {
		sol->x = ap_xmalloc((nc ? nc : 1) * sizeof(double));
		memcpy(sol->x, x, nc * sizeof(double));
	}
	sol->proven = Cbc_isProvenOptimal(model);
	sol->stopped =
	    Cbc_isSecondsLimitReached(model) || Cbc_isNodeLimitReached(model);
	sol->secondary = Cbc_secondaryStatus(model);
	sol->objective = Cbc_getObjValue(model);
	sol->bound = Cbc_getBestPossibleObjValue(model);
	Cbc_deleteModel(model);
	free(start);
}

void plan_solution_free(plan_solution *sol)
{
	free(sol->x);
	sol->x = NULL;
}
