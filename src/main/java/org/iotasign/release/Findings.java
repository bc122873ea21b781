package org.iotasign.release;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Problems (each makes the release unacceptable) and warnings found while checking a release. */
public final class Findings {
    private final List<String> problems = new ArrayList<>();
    private final List<String> warnings = new ArrayList<>();

    public void problem(String text) {
        problems.add(text);
    }

    public void warning(String text) {
        warnings.add(text);
    }

    public void addAll(Findings other) {
        problems.addAll(other.problems);
        warnings.addAll(other.warnings);
    }

    public List<String> problems() {
        return Collections.unmodifiableList(problems);
    }

    public List<String> warnings() {
        return Collections.unmodifiableList(warnings);
    }

    public boolean hasProblems() {
        return !problems.isEmpty();
    }
}
