/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What engine/learn/learn.c still reaches through this header: the command
 * table's prototypes (engine/cmd/cmd.h) and run_start() (trace/run.h). It
 * goes once ward learn's command moves to engine/cmd/learn.c.
 */
#ifndef WARD_CORE_CMD_H
#define WARD_CORE_CMD_H

#include "cmd/cmd.h"
#include "trace/run.h"

#endif
