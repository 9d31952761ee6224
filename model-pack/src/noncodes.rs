//! Non-classification codes: answers that are not occupations, or too vague to code.
//!
//! The codes follow the ABS ANZSCO Australian Coder's supplementary codes (ANZSCO 2022
//! structure Table 6: `0998xx`/`0999xx`), and are used for OSCA 2024 too, where the ABS has
//! published none; `099980` (not in the labour force) is this project's addition. They sit in
//! the tree under a synthetic major group `0` so the hierarchical model treats them like any
//! other branch. README ("Non-classification codes") documents them for users.

pub struct NonCode {
    pub code: &'static str,
    pub label: &'static str,
    /// The catch-all for inadequately described answers.
    pub inadequate: bool,
    /// Example answers (title field).
    pub phrases: &'static [&'static str],
}

/// The groups above the non-classification codes, parent first.
pub const NON_CLASSIFICATION_GROUPS: &[(&str, &str)] = &[
    ("0", "Non-classification codes"),
    ("09", "Non-classification codes"),
    ("099", "Non-classification codes"),
    ("0998", "Inadequately described"),
    ("0999", "Not in an occupation"),
];

/// The catch-all code for answers too vague to code.
pub const INADEQUATE: &str = "099888";

pub const NON_CLASSIFICATION: &[NonCode] = &[
    NonCode {
        code: "099888",
        label: "Response inadequately described",
        inadequate: true,
        phrases: &[
            "aaa", "aaaa", "xxx", "xx", "zzz", "asdf", "asdfgh", "qwerty", "abc", "test", "n/a", "na", "none", "nil",
            "nothing", "no", "yes", "?", "??", "dont know", "don't know", "unknown", "not sure", "various", "varies",
            "work", "worker", "working", "job", "employee", "employed", "staff", "casual", "casual work", "part time",
            "full time", "self employed", "self-employed", "own business", "my own boss", "contractor", "business",
            "private", "government", "company", "odd jobs", "anything", "everything", "many things", "general",
            "general duties", "misc", "miscellaneous", "other", "stuff", "things", "same as before", "see above",
            "as above", "refused", "prefer not to say", "lol", "hello", "hi", "blah", "ok",
        ],
    },
    NonCode {
        code: "099910",
        label: "Student",
        inadequate: false,
        phrases: &[
            "student", "full time student", "full-time student", "university student", "uni student", "high school student",
            "school student", "at school", "at university", "studying", "study", "tafe student", "college student",
            "secondary school student", "year 12 student", "postgraduate student", "phd student", "year 10", "year 11",
            "year 12", "yr 11", "yr 12", "year 11 student", "in year 12", "high school",
        ],
    },
    NonCode {
        code: "099920",
        label: "Child/baby",
        inadequate: false,
        phrases: &[
            "child", "baby", "infant", "toddler", "kid", "preschooler", "pre-schooler", "too young", "newborn",
            "child not at school", "under 15", "minor", "kindergarten", "at kindy", "primary school child",
        ],
    },
    NonCode {
        code: "099930",
        label: "Invalid pensioner",
        inadequate: false,
        phrases: &[
            "invalid pensioner", "disability pensioner", "disability pension", "disability support pension", "dsp",
            "on disability pension", "on the disability support pension", "invalid pension", "unable to work disability",
        ],
    },
    NonCode {
        code: "099940",
        label: "Other pensioner",
        inadequate: false,
        phrases: &[
            "pensioner", "age pensioner", "aged pensioner", "old age pensioner", "on the pension", "pension", "on pension",
            "veteran pensioner", "widow pensioner", "centrelink pensioner", "carer pension",
        ],
    },
    NonCode {
        code: "099950",
        label: "House wife/husband",
        inadequate: false,
        phrases: &[
            "home duties", "housewife", "house wife", "househusband", "house husband", "homemaker", "home maker",
            "stay at home mum", "stay at home dad", "stay-at-home parent", "full time mum", "full time mother",
            "full time parent", "mother", "mum", "domestic duties", "looking after the home", "home duties mother", "sahm",
            "sahd", "stay at home mother", "stay at home father", "at home with the kids", "looking after the kids",
        ],
    },
    NonCode {
        code: "099960",
        label: "Retired",
        inadequate: false,
        phrases: &[
            "retired", "retiree", "self funded retiree", "self-funded retiree", "fully retired", "retired person",
            "in retirement", "retirement", "retired now", "retired since", "semi retired", "superannuant",
            "retired teacher", "retired nurse", "retired farmer", "retired engineer", "retd", "rtd", "ret.",
            "retired - was a builder", "retired, ex public servant",
        ],
    },
    NonCode {
        code: "099970",
        label: "Unemployed",
        inadequate: false,
        phrases: &[
            "unemployed", "jobless", "out of work", "looking for work", "job seeker", "jobseeker", "seeking employment",
            "seeking work", "between jobs", "no job", "on the dole", "dole", "on centrelink", "newstart",
            "not employed", "currently unemployed", "laid off", "made redundant", "redundant", "looking for a job",
            "unemployed at the moment", "looking for work atm", "out of work atm", "no work at the moment",
        ],
    },
    NonCode {
        code: "099980",
        label: "Not in the labour force",
        inadequate: false,
        phrases: &[
            "not in the labour force", "not in labour force", "not in the labor force", "nilf", "not working",
            "not looking for work", "not working and not looking for work", "no paid work", "unpaid", "volunteer only",
            "full time carer", "caring for family", "on leave without pay", "gap year",
        ],
    },
];
