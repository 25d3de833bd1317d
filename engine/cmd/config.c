// SPDX-License-Identifier: Apache-2.0
/* `ward config check [FILE]`: the configuration file's diagnostics. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "cmd/cmd.h"
#include "core/config.h"

void help_config(void)
{
	printf("Usage: ward config check [FILE] [-o text|json]\n\n"
	       "Checks the configuration file of 'ward server' (default " CONFIG_DEFAULT_PATH
	       ")\nas the server reads it: unknown keys and bad values are errors with\n"
	       "FILE:LINE:COL (docs/config.md). Exit 0 when it is valid, 3 when not.\n\n"
	       "Options:\n"
	       "  -o, --format FORMAT   text (default) or json\n");
}

static int config_check(int argc, char **argv)
{
	struct ward_config c;
	struct rc_diags d;
	const char *path;
	bool json = false;
	int r, err;

	r = cli_text_json_opts("config check", help_config, argc, argv, &json);
	if (r >= 0)
		return r;
	if (argc - optind > 1)
		return cli_usage("config check", "give at most one FILE");
	path = optind < argc ? argv[optind] : CONFIG_DEFAULT_PATH;
	rc_diags_init(&d);
	err = config_load(path, &c, &d);
	if (err == -ENOENT) {
		cli_error("%s: %s", path, strerror(ENOENT));
		r = CLI_INPUT;
	} else if (err == -ENOMEM) {
		cli_error("%s: %s", path, strerror(ENOMEM));
		r = CLI_FAILURE;
	} else {
		cli_print_diags(&d, json, stdout);
		if (!err && !json)
			printf("%s: ok\n", path);
		r = err ? CLI_INPUT : CLI_OK;
	}
	config_free(&c);
	rc_diags_free(&d);
	return r;
}

const struct cli_cmd config_cmds[] = {
	{ "check", config_check, help_config, "check the configuration file",
	  &cli_text_json_file_opts, NULL },
	{},
};

int cmd_config(int argc, char **argv)
{
	return cli_dispatch("config", config_cmds, help_config, argc, argv);
}
