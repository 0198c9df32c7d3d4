// pgjdbc through Gatehouse: what an application server or a JDBC-based agent tool does. Prints
// what it read, one fact per line, so the test can compare a run through the gateway with a
// run against PostgreSQL directly. Arguments: JDBC URL, user, password, scratch table name.
import java.io.StringReader;
import java.io.StringWriter;
import java.sql.*;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

public class JdbcCompat {
    public static void main(String[] args) throws Exception {
        String scratch = args[3];
        try (Connection conn = DriverManager.getConnection(args[0], args[1], args[2])) {
            try (Statement st = conn.createStatement()) {
                st.execute("DROP TABLE IF EXISTS " + scratch);
                st.execute("CREATE TABLE " + scratch + " (id integer PRIMARY KEY, label text)");
                st.execute("CREATE INDEX " + scratch + "_label ON " + scratch + " (label)");
            }
            // Past prepareThreshold (5): pgjdbc switches to a named server-side statement.
            try (PreparedStatement ps = conn.prepareStatement("SELECT name, price FROM products WHERE id = ?")) {
                for (int id = 1; id <= 8; id++) {
                    ps.setInt(1, id);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) System.out.println("product " + id + " " + rs.getString(1) + " " + rs.getBigDecimal(2));
                    }
                }
            }
            // A batch of inserts.
            conn.setAutoCommit(false);
            try (PreparedStatement ps = conn.prepareStatement("INSERT INTO " + scratch + " (id, label) VALUES (?, ?)")) {
                for (int i = 1; i <= 20; i++) {
                    ps.setInt(1, i);
                    ps.setString(2, "row " + i);
                    ps.addBatch();
                }
                int[] counts = ps.executeBatch();
                System.out.println("batch " + counts.length);
            }
            conn.commit();
            conn.setAutoCommit(true);
            // Metadata: what ORMs and IDEs read.
            DatabaseMetaData meta = conn.getMetaData();
            try (ResultSet rs = meta.getPrimaryKeys(null, "public", "orders")) {
                while (rs.next()) System.out.println("pk orders " + rs.getString("COLUMN_NAME") + " " + rs.getString("PK_NAME"));
            }
            try (ResultSet rs = meta.getPrimaryKeys(null, "public", scratch)) {
                while (rs.next()) System.out.println("pk scratch " + rs.getString("COLUMN_NAME"));
            }
            try (ResultSet rs = meta.getIndexInfo(null, "public", scratch, false, false)) {
                while (rs.next()) System.out.println("index " + rs.getString("INDEX_NAME") + " " + rs.getString("COLUMN_NAME") + " unique=" + !rs.getBoolean("NON_UNIQUE"));
            }
            try (ResultSet rs = meta.getColumns(null, "public", "customers", null)) {
                while (rs.next()) System.out.println("column customers " + rs.getString("COLUMN_NAME") + " " + rs.getString("TYPE_NAME"));
            }
            try (ResultSet rs = meta.getImportedKeys(null, "public", "orders")) {
                while (rs.next()) System.out.println("fk orders " + rs.getString("FKCOLUMN_NAME") + " -> " + rs.getString("PKTABLE_NAME"));
            }
            try (ResultSet rs = meta.getTables(null, "public", "%", new String[] {"TABLE"})) {
                while (rs.next()) if (!rs.getString("TABLE_NAME").startsWith("gh_") && !rs.getString("TABLE_NAME").startsWith("pgbench")) System.out.println("table " + rs.getString("TABLE_NAME"));
            }
            // CopyManager, both ways.
            CopyManager copy = conn.unwrap(PGConnection.class).getCopyAPI();
            long in = copy.copyIn("COPY " + scratch + " (id, label) FROM STDIN", new StringReader("100\tcopied in\n101\tcopied too\n"));
            System.out.println("copy in " + in);
            StringWriter out = new StringWriter();
            long outRows = copy.copyOut("COPY (SELECT id, label FROM " + scratch + " WHERE id >= 100 ORDER BY id) TO STDOUT", out);
            System.out.println("copy out " + outRows + " " + out.toString().replace("\n", "|"));
            try (Statement st = conn.createStatement(); ResultSet rs = st.executeQuery("SELECT count(*) FROM " + scratch)) {
                rs.next();
                System.out.println("count " + rs.getLong(1));
            }
            try (Statement st = conn.createStatement()) {
                st.execute("DROP TABLE " + scratch);
            }
        }
    }
}
