package org.iotasign.release;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Problems (each makes the release unacceptable) and warnings found while checking a
 * release. {@link #problems()} and {@link #warnings()} are the texts for people; a caller
 * that acts on a finding asks by its {@link Finding.Code}.
 */
public final class Findings {
    private final List<Finding> problems = new ArrayList<>();
    private final List<Finding> warnings = new ArrayList<>();

    public void problem(String text) {
        problem(Finding.Code.OTHER, text);
    }

    public void problem(Finding.Code code, String text) {
        problems.add(new Finding(code, text));
    }

    public void warning(String text) {
        warning(Finding.Code.OTHER, text);
    }

    public void warning(Finding.Code code, String text) {
        warnings.add(new Finding(code, text));
    }

    public void addAll(Findings other) {
        problems.addAll(other.problems);
        warnings.addAll(other.warnings);
    }

    /** The problems' texts, in the order found. */
    public List<String> problems() {
        return problems.stream().map(Finding::text).toList();
    }

    /** The warnings' texts, in the order found. */
    public List<String> warnings() {
        return warnings.stream().map(Finding::text).toList();
    }

    /** The problems with their codes, in the order found. */
    public List<Finding> problemFindings() {
        return Collections.unmodifiableList(problems);
    }

    /** The warnings with their codes, in the order found. */
    public List<Finding> warningFindings() {
        return Collections.unmodifiableList(warnings);
    }

    public boolean hasProblems() {
        return !problems.isEmpty();
    }

    public boolean hasProblem(Finding.Code code) {
        return problems.stream().anyMatch(f -> f.code() == code);
    }
}
