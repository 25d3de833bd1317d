// SPDX-License-Identifier: Apache-2.0
/* `ward learn`: its options and help, then the learning session (learn/learn.h). */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "cmd/cmd.h"
#include "learn/learn.h"
#include "rulesc.h"

void help_learn(void)
{
	printf("Usage: ward learn --container NAME|ID|GLOB [--image GLOB] --output PROFILE "
	       "[OPTIONS]\n"
	       "\n"
	       "Records what the matching containers do, from their entrypoint's exec on, and\n"
	       "writes one profile (docs/profiles.md): binaries and their parents, files by\n"
	       "access kind, network endpoints, syscalls per ABI, capabilities. Containers that\n"
	       "start while learning are learned from their first exec; several containers\n"
	       "(e.g. all of one image) are learned together into one profile. Start learning\n"
	       "first, then the containers: one already running is learned from now on only,\n"
	       "and the profile is marked partial. Learn several runs and merge them\n"
	       "(ward profile merge): a run holds only the paths it took.\n"
	       "\n"
	       "  -c, --container PATTERN  a container name, id, id prefix or name glob (repeat)\n"
	       "  -i, --image GLOB         containers whose image matches (repeat)\n"
	       "  -d, --duration D         stop after D (90, 90s, 15m, 2h; default: SIGINT)\n"
	       "      --output FILE        the profile to write ('-': stdout)\n"
	       "  -n, --name NAME          the profile's name (default: from the first pattern)\n"
	       "      --mode MODE          audit (default) or enforce, for the policy it becomes\n"
	       "      --posture POSTURE    alert (default) or block outside the profile\n"
	       "      --converge D         converged: yes once a container ran and D passed\n"
	       "                           without a new entry (default %ds)\n"
	       "      --from-start         refuse (exit 1) when a matching container is\n"
	       "                           already running, instead of a partial profile\n"
	       "      --threshold N        generalise a directory's names of one shape into a\n"
	       "                           glob when more than N (default %d)\n"
	       "  -v, --verbose            libbpf's debug messages\n"
	       "\n"
	       "Then: ward profile export --format oci-seccomp|oci-caps|... PROFILE\n"
	       "Exit status: 0 written, 1 learning failed (or refused), 2 usage error.\n",
	       LEARN_DEFAULT_CONVERGE_S, LEARN_DEFAULT_THRESHOLD);
}

/* --mode and --posture: the first of each is the default. */
static const char *const modes[] = { "audit", "enforce", NULL };
static const char *const postures[] = { "alert", "block", NULL };

static bool one_of(const char *const *words, const char *s)
{
	while (*words && strcmp(*words, s))
		words++;
	return *words;
}

const struct cli_opts learn_options = {
	":c:i:d:n:vh",
	(const struct option[]){
		{ "container", required_argument, NULL, 'c' },
		{ "image", required_argument, NULL, 'i' },
		{ "duration", required_argument, NULL, 'd' },
		{ "output", required_argument, NULL, 'O' },
		{ "name", required_argument, NULL, 'n' },
		{ "mode", required_argument, NULL, 'm' },
		{ "posture", required_argument, NULL, 'p' },
		{ "converge", required_argument, NULL, 'C' },
		{ "threshold", required_argument, NULL, 'T' },
		{ "from-start", no_argument, NULL, 'S' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{},
	},
	(const struct cli_arg[]){
		{ "output", &cli_files },
		{ "mode", &(const struct cli_values){ .words = modes } },
		{ "posture", &(const struct cli_values){ .words = postures } },
		{},
	},
	NULL,
};

/* -1 to go on, or the exit status (help printed, or a usage error said). */
static int parse_learn(int argc, char **argv, struct learn_opts *o)
{
	char clean[LEARN_NAME_MAX + 1];
	int c;

	optind = 0;
	while ((c = cli_getopts("learn", argc, argv, &learn_options)) != -1) {
		switch (c) {
		case 'c':
		case 'i':
			if (!optarg[0])
				return cli_usage("learn", "--%s: empty pattern",
						 c == 'c' ? "container" : "image");
			if (learn_sel_add(&o->sel, c == 'i', optarg)) {
				cli_error("out of memory");
				return CLI_FAILURE;
			}
			break;
		case 'd':
		case 'C':
			if (cli_parse_duration("learn", c == 'd' ? "--duration" : "--converge",
					       optarg, 1, CLI_DURATION_MAX,
					       c == 'd' ? &o->duration_s : &o->converge_s) < 0)
				return CLI_USAGE;
			break;
		case 'O':
			o->output = optarg;
			break;
		case 'n':
			learn_sanitize_name(optarg, clean, sizeof(clean));
			if (strcmp(clean, optarg))
				return cli_usage(
					"learn",
					"--name: '%s' is not a policy name (1-%d characters "
					"of a-z, 0-9, '-', '.', '_', starting and ending "
					"with a letter or digit)",
					optarg, LEARN_NAME_MAX);
			o->name = optarg;
			break;
		case 'm':
			if (!one_of(modes, optarg))
				return cli_usage("learn", "--mode: audit or enforce, not '%s'",
						 optarg);
			o->mode = optarg;
			break;
		case 'p':
			if (!one_of(postures, optarg))
				return cli_usage("learn", "--posture: alert or block, not '%s'",
						 optarg);
			o->posture = optarg;
			break;
		case 'T':
			if (cli_parse_number("learn", "--threshold", optarg, 1, 1000000,
					     &o->threshold))
				return CLI_USAGE;
			break;
		case 'S':
			o->from_start = true;
			break;
		case 'v':
			o->verbose = true;
			break;
		default:
			return cli_help_or_usage(c, help_learn);
		}
	}
	if (optind < argc)
		return cli_usage("learn", "unexpected argument '%s'", argv[optind]);
	if (!o->sel.n_names && !o->sel.n_images)
		return cli_usage("learn", "which containers? (--container or --image)");
	if (!o->output)
		return cli_usage("learn", "where to write the profile? (--output FILE)");
	return -1;
}

int cmd_learn(int argc, char **argv)
{
	struct learn_opts o = {
		.converge_s = LEARN_DEFAULT_CONVERGE_S,
		.threshold = LEARN_DEFAULT_THRESHOLD,
		.mode = modes[0],
		.posture = postures[0],
	};
	int r = parse_learn(argc, argv, &o), err;

	/* a profile that cannot be written is said before learning, not after it */
	if (r < 0 && strcmp(o.output, "-") && (err = rc_can_write_file(o.output))) {
		cli_error("learn: --output %s: cannot be written: %s", o.output, strerror(-err));
		r = CLI_FAILURE;
	}
	if (r < 0)
		r = learn_run(&o) ? CLI_FAILURE : CLI_OK;
	learn_sel_clear(&o.sel);
	return r;
}
