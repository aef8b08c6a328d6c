// An EPUBCheck server for the test suite: one JVM checks every book the tests make, so
// EPUBCheck's start-up (loading its schemas) is paid once, not once per book.
// Run as a single-file program:  java -cp epubcheck.jar CheckMany.java
// Reads one EPUB path per line on stdin; for each prints EPUBCheck's messages as
// "MSG <text>" lines, then "RESULT <fatals> <errors> <warnings> <path>".
import com.adobe.epubcheck.api.EpubCheck;
import com.adobe.epubcheck.util.DefaultReportImpl;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

public class CheckMany {
    public static void main(String[] args) throws Exception {
        PrintStream out = System.out;
        PrintStream err = System.err;
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String path;
        while ((path = in.readLine()) != null) {
            ByteArrayOutputStream captured = new ByteArrayOutputStream();
            PrintStream capture = new PrintStream(captured, true, StandardCharsets.UTF_8);
            System.setOut(capture);
            System.setErr(capture);
            DefaultReportImpl report = new DefaultReportImpl(path);
            try {
                new EpubCheck(new File(path), report).doValidate();
            } finally {
                System.setOut(out);
                System.setErr(err);
            }
            for (String line : captured.toString(StandardCharsets.UTF_8).split("\n")) {
                if (!line.isBlank()) {
                    out.println("MSG " + line);
                }
            }
            out.println("RESULT " + report.getFatalErrorCount() + " " + report.getErrorCount() + " "
                + report.getWarningCount() + " " + path);
            out.flush();
        }
    }
}
