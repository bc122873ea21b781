package org.iotasign.objectstore;

import java.util.regex.Pattern;

import org.iotasign.UsageException;

/** {@code s3://BUCKET[/PREFIX]}: where a site lives in a bucket. The prefix has no leading or trailing slash. */
public record S3Location(String bucket, String prefix) {
    // S3's bucket rules (also R2, B2, MinIO): 3-63 of a-z 0-9 . -, starting and ending alphanumeric.
    private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");
    private static final Pattern PREFIX_PART = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]*");

    public static S3Location parse(String uri) {
        if (uri == null || !uri.startsWith("s3://")) {
            throw new UsageException("'" + printable(uri) + "' is not an s3://BUCKET[/PREFIX] location: give e.g. s3://updates.example.net/iotawatt");
        }
        String rest = uri.substring(5);
        int slash = rest.indexOf('/');
        String bucket = slash < 0 ? rest : rest.substring(0, slash);
        String prefix = slash < 0 ? "" : rest.substring(slash + 1);
        while (prefix.endsWith("/")) {
            prefix = prefix.substring(0, prefix.length() - 1);
        }
        if (!BUCKET.matcher(bucket).matches()) {
            throw new UsageException("bucket name '" + printable(bucket) + "' is not valid: 3 to 63 lower-case letters, digits, '.' and '-'");
        }
        if (!prefix.isEmpty()) {
            for (String part : prefix.split("/", -1)) {
                if (!PREFIX_PART.matcher(part).matches()) {
                    throw new UsageException("prefix '" + printable(prefix) + "' is not valid: folder names of letters, digits, '_', '.' and '-' separated by '/', none starting with '.' or empty");
                }
            }
        }
        return new S3Location(bucket, prefix);
    }

    /** The object key for a site-relative path such as {@code firmware/versions.json}. */
    public String key(String sitePath) {
        return prefix.isEmpty() ? sitePath : prefix + "/" + sitePath;
    }

    /** The site-relative path of a key under the prefix. */
    public String sitePath(String key) {
        return prefix.isEmpty() ? key : key.substring(prefix.length() + 1);
    }

    /** The listing prefix: every key of the site starts with it. */
    public String listPrefix() {
        return prefix.isEmpty() ? "" : prefix + "/";
    }

    @Override
    public String toString() {
        return "s3://" + bucket + (prefix.isEmpty() ? "" : "/" + prefix);
    }

    static String printable(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder sb = new StringBuilder();
        for (char c : s.toCharArray()) {
            sb.append(c >= 0x20 && c < 0x7f ? String.valueOf(c) : String.format("\\x%02x", (int) c));
        }
        return sb.length() > 200 ? sb.substring(0, 200) + "..." : sb.toString();
    }
}
