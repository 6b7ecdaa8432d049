/* Regressions found by trying kaoping as a user would (issue "Panics and rough edges"): each
 * test is a case that once crashed or surprised, scored through the C API. */
#include "harness.h"

static const char COMPONENT[] =
    "[rulebook]\nid = \"c\"\ntitle = \"C\"\nversion = \"1\"\n"
    "[inputs]\n"
    "a = { type = \"integer\", min = 0, required = false }\n"
    "b = { type = \"integer\", min = 1, required = false }\n"
    "[derived]\nr = \"a / b * 100\"\n"
    "[[indicator]]\nid = \"x\"\nlabel = \"X\"\npoints = 10\n"
    "linear = { input = \"r\", from = [0, 0], to = [100, 10] }\n";

static const char PARENT[] =
    "[rulebook]\nid = \"p\"\ntitle = \"P\"\nversion = \"1\"\n"
    "[inputs]\nz = { type = \"integer\", min = 0 }\n"
    "[[indicator]]\nid = \"m\"\nlabel = \"M\"\npoints = 5\n"
    "linear = { input = \"z\", from = [0, 0], to = [10, 5] }\n"
    "[[indicator]]\nid = \"k\"\nlabel = \"K\"\npoints = 10\n"
    "component = { rulebook = \"c\" }\n";

/* Score `rec` and compare the total; frees the result. */
static void expect_total(const kp_rulebook *rb, const kp_record *rec, const char *want) {
    kp_result *res = NULL;
    kp_error *err = NULL;
    char *total = NULL;
    kp_status st = kp_score(rb, rec, NULL, &res, &err);
    CHECK(st == KP_OK, "kp_score: %s (%s)", kp_status_str(st), err ? kp_error_message(err) : "");
    if (st == KP_OK) {
        CHECK_STATUS(kp_result_total(res, &total), KP_OK);
        CHECK(total && strcmp(total, want) == 0, "total %s, want %s", total ? total : "(null)", want);
    }
    kp_string_free(total);
    kp_result_free(res);
    kp_error_free(err);
}

/* A component whose derived value reads optional inputs the record leaves out: no data, not a
 * KP_PANIC. */
static void test_component_reading_no_data(void) {
    kp_rulebook *comp = NULL, *parent = NULL;
    kp_loader *loader = NULL;
    kp_error *err = NULL;
    CHECK_STATUS(kp_rulebook_from_str(COMPONENT, strlen(COMPONENT), KP_FORMAT_TOML, &comp, &err), KP_OK);
    CHECK_STATUS(kp_loader_new(&loader), KP_OK);
    CHECK_STATUS(kp_loader_add(loader, comp), KP_OK);
    CHECK_STATUS(kp_loader_from_str(loader, PARENT, strlen(PARENT), KP_FORMAT_TOML, &parent, &err), KP_OK);
    if (parent) {
        kp_record *rec = NULL;
        CHECK_STATUS(kp_record_new(parent, &rec), KP_OK);
        CHECK_STATUS(kp_record_set_int(rec, "z", 3), KP_OK);
        expect_total(parent, rec, "1.50");
        CHECK_STATUS(kp_record_set_int(rec, "a", 5), KP_OK);
        CHECK_STATUS(kp_record_set_int(rec, "b", 10), KP_OK);
        expect_total(parent, rec, "6.50");
        kp_record_free(rec);
    }
    kp_error_free(err);
    kp_rulebook_free(parent);
    kp_loader_free(loader);
    kp_rulebook_free(comp);
}

/* `default = []` for an items input, a list of marks for a numbers input. */
static void test_list_defaults(void) {
    static const char TEXT[] =
        "[rulebook]\nid = \"t.lists\"\ntitle = \"lists\"\nversion = \"1\"\n[inputs]\n"
        "patents = { type = \"items\", fields = { title = \"text\" }, default = [] }\n"
        "marks = { type = \"numbers\", min = 0, max = 10, default = [6, \"7.5\"] }\n"
        "[[indicator]]\nid = \"p\"\nlabel = \"P\"\npoints = 4\ncount = { input = \"patents\", each = 2 }\n"
        "[[indicator]]\nid = \"m\"\nlabel = \"M\"\npoints = 10\n"
        "panel = { input = \"marks\", method = \"mean\", scale_max = 10 }\n";
    kp_rulebook *rb = NULL;
    kp_error *err = NULL;
    CHECK_STATUS(kp_rulebook_from_str(TEXT, strlen(TEXT), KP_FORMAT_TOML, &rb, &err), KP_OK);
    if (rb) {
        kp_record *rec = NULL;
        CHECK_STATUS(kp_record_new(rb, &rec), KP_OK);
        expect_total(rb, rec, "6.75");
        kp_record_free(rec);
    }
    kp_error_free(err);
    kp_rulebook_free(rb);
}

/* Write `text` to dir/name. */
static void write_text(const char *dir, const char *name, const char *text) {
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    if (!f) {
        fprintf(stderr, "cannot write %s\n", path);
        exit(2);
    }
    fputs(text, f);
    fclose(f);
}

/* A rulebook with one indicator: a component of `component`, or a check. */
static void book(char *buf, size_t cap, const char *id, const char *component) {
    char rule[256];
    if (component)
        snprintf(rule, sizeof rule, "component = { rulebook = \"%s\" }", component);
    else
        snprintf(rule, sizeof rule, "check = { when = \"true\" }");
    snprintf(buf, cap,
             "[rulebook]\nid = \"%s\"\ntitle = \"SECRET TITLE of %s\"\nversion = \"1\"\n"
             "[[indicator]]\nid = \"k\"\nlabel = \"K\"\npoints = 10\n%s\n",
             id, id, rule);
}

/* Ids are names, not paths: a component id naming another folder is refused (naming the id,
 * reading nothing), and file lookup can be turned off. */
static void test_ids_are_names_not_paths(const char *tmp) {
    char dir[2048], text[1024], path[4096];
    if (strlen(tmp) > 1024) return;
    snprintf(dir, sizeof dir, "%s/a", tmp);
    char mk[4200];
    snprintf(mk, sizeof mk, "mkdir -p '%s'", dir);
    CHECK(system(mk) == 0, "mkdir");
    book(text, sizeof text, "secret", NULL);
    write_text(tmp, "secret.toml", text);
    book(text, sizeof text, "p", "../secret");
    write_text(dir, "p.toml", text);
    snprintf(path, sizeof path, "%s/p.toml", dir);
    kp_rulebook *rb = NULL;
    kp_error *err = NULL;
    CHECK_STATUS(kp_rulebook_from_file(path, &rb, &err), KP_LOAD_ERROR);
    if (err) {
        const char *msg = kp_error_message(err);
        CHECK(strstr(msg, "../secret") && strstr(msg, "not a rulebook id"), "names the id: %s", msg);
        CHECK(!strstr(msg, "SECRET TITLE"), "reads nothing outside: %s", msg);
        CHECK(kp_error_kind(err) == KP_KIND_SCHEMA, "Schema, got %d", (int)kp_error_kind(err));
    }
    kp_error_free(err);
    err = NULL;
    kp_rulebook_free(rb);
    rb = NULL;

    /* A component next to the file is found, unless file lookup is off. */
    book(text, sizeof text, "c", NULL);
    write_text(dir, "c.toml", text);
    book(text, sizeof text, "p", "c");
    write_text(dir, "p.toml", text);
    CHECK_STATUS(kp_rulebook_from_file(path, &rb, NULL), KP_OK);
    kp_rulebook_free(rb);
    rb = NULL;
    kp_loader *loader = NULL;
    CHECK_STATUS(kp_loader_new(&loader), KP_OK);
    CHECK_STATUS(kp_loader_set_file_lookup(loader, false), KP_OK);
    CHECK_STATUS(kp_loader_set_file_lookup(NULL, false), KP_NULL_ARGUMENT);
    CHECK_STATUS(kp_loader_from_file(loader, path, &rb, &err), KP_LOAD_ERROR);
    if (err) CHECK(kp_error_kind(err) == KP_KIND_UNKNOWN_NAME, "UnknownName, got %d", (int)kp_error_kind(err));
    kp_error_free(err);
    kp_loader_free(loader);
    kp_rulebook_free(rb);
}

/* A county held at 较差 by the falsification veto is not told it is 60 points short of 一般:
 * no number of points lifts it. The next grade has no gap and names what holds it. */
static void test_a_veto_holding_the_grade(void) {
    static const char RECORD[] =
        "{\"county\": \"甲县\", \"region\": \"秦巴山区\", \"rural_population\": 200000, \"poor_remaining\": 3000,"
        " \"poor_reduction_plan\": 5000, \"poor_reduced\": 5000, \"village_exit_plan\": 20, \"villages_exited\": 20,"
        " \"income_growth\": 9, \"sampled_exited\": 500, \"sampled_wrongly_exited\": 0, \"sampled_non_registered\": 1000,"
        " \"sampled_missed\": 0, \"poor_villages\": 40, \"villages_with_leader\": 40, \"villages_with_unit\": 40,"
        " \"villages_with_team\": 40, \"villages_with_secretary\": 40, \"villages_with_technician\": 40,"
        " \"help_surveyed\": 400, \"help_satisfied\": 380, \"funds_allocated\": 10000, \"funds_spent\": 9500,"
        " \"fund_performance\": \"优秀\", \"falsified\": true}";
    kp_rulebook *rb = NULL;
    kp_result *res = NULL;
    CHECK_STATUS(kp_rulebook_builtin("sc.poverty.county-assessment", &rb, NULL), KP_OK);
    CHECK_STATUS(kp_score_json(rb, RECORD, strlen(RECORD), NULL, &res, NULL), KP_OK);
    if (res) {
        kp_next_grade next;
        CHECK_STATUS(kp_result_next_grade(res, &next), KP_OK);
        CHECK(next.grade && strcmp(next.grade, "一般") == 0, "the next grade is 一般");
        CHECK(next.gap == NULL, "no gap: points cannot reach it");
        CHECK(next.blocked_by && strcmp(next.blocked_by, "弄虚作假、搞“数字脱贫”") == 0, "held by %s",
              next.blocked_by ? next.blocked_by : "(null)");
    }
    kp_result_free(res);
    kp_rulebook_free(rb);
}

/* Issue 28 item 6: the error's message in Chinese (what county users read) or English, from the
 * core's catalogue: a load error and a record error, each in both languages. */
static void test_error_messages_in_chinese(void) {
    static const char BAD[] = "[rulebook]\nid = \"t\"\ntitle = \"t\"\nversion = \"1\"\n"
                              "[inputs]\nincome = { type = \"decimal\" }\n"
                              "[[indicator]]\nid = \"a\"\nlabel = \"A\"\npoints = 10\nformula = \"incme * 2\"\n";
    kp_rulebook *rb = NULL;
    kp_error *err = NULL;
    CHECK_STATUS(kp_rulebook_from_str(BAD, strlen(BAD), KP_FORMAT_TOML, &rb, &err), KP_LOAD_ERROR);
    if (err) {
        const char *en = kp_error_message_lang(err, KP_LANG_EN);
        const char *zh = kp_error_message_lang(err, KP_LANG_ZH);
        CHECK(en && strcmp(en, kp_error_message(err)) == 0, "English is kp_error_message: %s", en ? en : "(null)");
        CHECK(en && strstr(en, "unknown name `incme` (did you mean `income`?)"), "English: %s", en ? en : "(null)");
        CHECK(zh && strstr(zh, "考核方案 t 无法加载（1 个问题）"), "Chinese headline: %s", zh ? zh : "(null)");
        CHECK(zh && strstr(zh, "未知的名称「incme」（是否应为「income」？）"), "Chinese: %s", zh ? zh : "(null)");
        CHECK(kp_error_message_lang(err, 7) == NULL, "another language code gives NULL");
    }
    CHECK(kp_error_message_lang(NULL, KP_LANG_ZH) == NULL, "NULL for NULL");
    kp_error_free(err);
    err = NULL;

    kp_record *rec = NULL;
    kp_result *res = NULL;
    CHECK_STATUS(kp_rulebook_builtin("example.county-assessment", &rb, NULL), KP_OK);
    CHECK_STATUS(kp_record_new(rb, &rec), KP_OK);
    CHECK_STATUS(kp_score(rb, rec, NULL, &res, &err), KP_RECORD_ERROR);
    if (err) {
        const char *zh = kp_error_message_lang(err, KP_LANG_ZH);
        CHECK(zh && strstr(zh, "缺少输入［字段 ") && strstr(zh, "缺少必填输入项 "), "Chinese: %s", zh ? zh : "(null)");
        CHECK(strstr(kp_error_message_lang(err, KP_LANG_EN), "is required but missing"), "English");
    }
    kp_error_free(err);
    kp_result_free(res);
    kp_record_free(rec);
    kp_rulebook_free(rb);
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s TMPDIR\n", argv[0]);
        return 2;
    }
    test_ids_are_names_not_paths(argv[1]);
    test_component_reading_no_data();
    test_list_defaults();
    test_a_veto_holding_the_grade();
    test_error_messages_in_chinese();
    kp_shutdown(); /* nothing of kaoping is left for valgrind or LeakSanitizer to report */
    return report("test_regressions");
}
