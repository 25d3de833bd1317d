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

int cmd_config(int argc, char **argv)
{
	if (argc >= 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		help_config();
		return CLI_OK;
	}
	if (argc < 2)
		return cli_usage("config", "which subcommand? (check)");
	if (!strcmp(argv[1], "check"))
		return config_check(argc - 1, argv + 1);
	return cli_usage("config", "unknown subcommand '%s' (check)", argv[1]);
}
