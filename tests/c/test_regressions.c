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

int main(void) {
    test_component_reading_no_data();
    test_list_defaults();
    return report("test_regressions");
}
