using System.Buffers.Binary;
using System.Globalization;
using ApeiKit.Cper;
using Microsoft.Data.Sqlite;
using ApeiKit.Cper.Input;

namespace ApeiKit.Cli;

/// <summary>
/// rasdaemon's SQLite database (<c>/var/lib/rasdaemon/ras-mc_event.db</c>; the tables are the ones ras-record.c creates,
/// checked against rasdaemon 0.6.8 and 0.8.5). The tables whose rows carry CPER section contents become records:
/// <list type="bullet">
/// <item><c>non_standard_event</c> (sec_type, fru_id, fru_text, severity, error): the raw body of a section of any
/// type, wrapped as it is.</item>
/// <item><c>arm_event</c> (error_count, affinity, mpidr, running_state, psci_state, err_info, context_info,
/// vendor_info): an ARM processor error section (UEFI 2.10 N.2.4.4) rebuilt around the three arrays the kernel copied;
/// MIDR_EL1 and the severity are not stored by rasdaemon (zero, informational).</item>
/// <item><c>extlog_event</c> (etype, severity, address, fru_id, fru_text, cper_data): a platform memory error section
/// (N.2.5) rebuilt from the kernel's <c>cper_mem_err_compact</c> in cper_data, the address and the error type;
/// Error Status and Physical Address Mask are not stored.</item>
/// </list>
/// The tables rasdaemon decodes itself (<c>mc_event</c>, <c>aer_event</c>, <c>mce_record</c>, <c>cxl_*</c>, ...) hold
/// no CPER bytes: their row counts are said, not read.
/// </summary>
internal static class RasdaemonDatabase
{
    /// <summary>The first 16 bytes of an SQLite 3 database file.</summary>
    public static ReadOnlySpan<byte> Magic => "SQLite format 3\0"u8;

    private static readonly string[] s_decoded = ["non_standard_event", "arm_event", "extlog_event"];

    /// <summary>Reads the database held in <paramref name="bytes"/> (copied to a temporary file: SQLite reads files).</summary>
    /// <exception cref="CliUsageException">Not a database SQLite opens, or none of rasdaemon's tables is there.</exception>
    public static CperUnwrappedInput Unwrap(string name, byte[] bytes)
    {
        string temp = Path.Combine(Path.GetTempPath(), $"apeikit-rasdaemon-{Guid.NewGuid():N}.db");
        try
        {
            File.WriteAllBytes(temp, bytes);
            var csb = new SqliteConnectionStringBuilder { DataSource = temp, Mode = SqliteOpenMode.ReadOnly, Pooling = false };
            using var connection = new SqliteConnection(csb.ToString());
            connection.Open();
            var tables = Tables(connection);
            var result = new CperUnwrappedInput();
            bool any = false;
            foreach (var table in s_decoded)
            {
                if (!tables.Contains(table)) continue;
                any = true;
                var columns = Columns(connection, table);
                switch (table)
                {
                    case "non_standard_event": NonStandard(connection, columns, result); break;
                    case "arm_event": Arm(connection, columns, result); break;
                    default: Extlog(connection, columns, result); break;
                }
            }
            var others = tables.Where(t => !s_decoded.Contains(t) && !t.StartsWith("sqlite_", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList();
            var counts = others.Select(t => $"{t} ({Count(connection, t)} rows)").ToList();
            if (!any)
                throw new CliUsageException($"{name}: an SQLite database without rasdaemon's non_standard_event, arm_event or extlog_event table (tables: {(others.Count == 0 ? "none" : string.Join(", ", others))}): not a rasdaemon database ApeiKit reads.");
            if (counts.Count > 0) result.Notices.Add($"other tables (rasdaemon's own decodings, no CPER bytes), not read: {string.Join(", ", counts)}");
            return result;
        }
        catch (SqliteException e)
        {
            throw new CliUsageException($"{name}: SQLite cannot read it: {e.Message}");
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            try
            {
                File.Delete(temp);
            }
            catch (IOException)
            {
                // a temporary file left behind is no reason to fail
            }
        }
    }

    private static HashSet<string> Tables(SqliteConnection c)
    {
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table'";
        using var r = cmd.ExecuteReader();
        var set = new HashSet<string>(StringComparer.Ordinal);
        while (r.Read()) set.Add(r.GetString(0));
        return set;
    }

    private static HashSet<string> Columns(SqliteConnection c, string table)
    {
        using var cmd = c.CreateCommand();
        cmd.CommandText = $"SELECT name FROM pragma_table_info('{table}')";
        using var r = cmd.ExecuteReader();
        var set = new HashSet<string>(StringComparer.Ordinal);
        while (r.Read()) set.Add(r.GetString(0));
        return set;
    }

    private static long Count(SqliteConnection c, string table)
    {
        using var cmd = c.CreateCommand();
        cmd.CommandText = $"SELECT COUNT(*) FROM \"{table.Replace("\"", "\"\"", StringComparison.Ordinal)}\"";
        return (long)cmd.ExecuteScalar()!;
    }

    /// <summary>The rows of <paramref name="table"/> with <paramref name="needed"/> columns, or an error when the schema lacks one.</summary>
    private static List<Dictionary<string, object?>>? Rows(SqliteConnection c, string table, HashSet<string> columns, string[] needed, CperUnwrappedInput result)
    {
        var missing = needed.Where(n => !columns.Contains(n)).ToList();
        if (missing.Count > 0)
        {
            result.Errors.Add($"table {table}: no column {string.Join(", ", missing)} (an unknown schema: rasdaemon's has {string.Join(", ", needed)}); not read");
            return null;
        }
        using var cmd = c.CreateCommand();
        cmd.CommandText = $"SELECT {string.Join(", ", needed)} FROM {table} ORDER BY id";
        using var r = cmd.ExecuteReader();
        var rows = new List<Dictionary<string, object?>>();
        while (r.Read())
        {
            var row = new Dictionary<string, object?>(StringComparer.Ordinal);
            for (int i = 0; i < needed.Length; i++) row[needed[i]] = r.IsDBNull(i) ? null : r.GetValue(i);
            rows.Add(row);
        }
        return rows;
    }

    private static string Entry(string table, Dictionary<string, object?> row)
        => string.Create(CultureInfo.InvariantCulture, $"{table} id {row["id"]}{(row.GetValueOrDefault("timestamp") is string t ? $" ({t})" : "")}");

    private static byte[]? Blob(object? v) => v switch { byte[] b => b, string s => System.Text.Encoding.UTF8.GetBytes(s), _ => null };

    private static long? Int(object? v) => v switch { long l => l, int i => i, double d => (long)d, string s when long.TryParse(s, CultureInfo.InvariantCulture, out long l) => l, _ => null };

    private static CperTimestamp? Timestamp(object? v)
        => v is string s && DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var when) ? CperTimestamp.FromDateTime(when.UtcDateTime) : null;

    private static Guid? FruId(object? v) => Blob(v) is { Length: 16 } b && b.AsSpan().IndexOfAnyExcept((byte)0) >= 0 ? new Guid(b) : null;

    private static void NonStandard(SqliteConnection c, HashSet<string> columns, CperUnwrappedInput result)
    {
        const string table = "non_standard_event";
        if (Rows(c, table, columns, ["id", "timestamp", "sec_type", "fru_id", "fru_text", "severity", "error"], result) is not { } rows) return;
        foreach (var row in rows)
        {
            string entry = Entry(table, row);
            var secType = Blob(row["sec_type"]);
            if (secType is null || secType.Length == 0)
            {
                result.Errors.Add($"{entry}: no sec_type (the section's type GUID)");
                continue;
            }
            string typeNote = "";
            Guid type;
            if (secType.Length >= 16) type = new Guid(secType.AsSpan(0, 16));
            else
            {
                // rasdaemon binds sec_type with length -1: SQLite keeps the bytes before the GUID's first zero byte.
                // The type is known when exactly one registered section type starts with those bytes and a zero.
                var candidates = CperSections.Registered.Select(r => r.SectionType).Where(g =>
                {
                    Span<byte> gb = stackalloc byte[16];
                    g.TryWriteBytes(gb);
                    return gb.StartsWith(secType) && gb[secType.Length] == 0;
                }).ToList();
                if (candidates.Count != 1)
                {
                    result.Errors.Add($"{entry}: sec_type holds {secType.Length} bytes ({Convert.ToHexString(secType)}), cut at a zero byte by rasdaemon, and {(candidates.Count == 0 ? "no" : "more than one")} known section type starts so");
                    continue;
                }
                type = candidates[0];
                typeNote = $"; sec_type was cut to {secType.Length} bytes by rasdaemon, completed as the only known type starting so";
            }
            var body = Blob(row["error"]);
            if (body is null || body.Length == 0)
            {
                result.Errors.Add($"{entry}: no error bytes (the section body)");
                continue;
            }
            string? sevText = row["severity"] as string;
            uint severity = sevText?.ToLowerInvariant() switch { "fatal" => 1u, "recoverable" => 0u, "corrected" => 2u, "informational" => 3u, _ => 3u };
            string sevNote = sevText is "Fatal" or "Recoverable" or "Corrected" or "Informational" ? $"severity \"{sevText}\"" : $"severity {(sevText is null ? "missing" : $"\"{sevText}\"")}: informational";
            result.Add(CperSectionWrapper.WrapBody(body, type, severity, Guid.Empty, Timestamp(row["timestamp"]), FruId(row["fru_id"]), row["fru_text"] as string), entry, synthesised: true,
                note: $"record header and section descriptor synthesised by ApeiKit around the section body of {entry} ({sevNote}, timestamp from the row{typeNote})");
        }
    }

    private static void Arm(SqliteConnection c, HashSet<string> columns, CperUnwrappedInput result)
    {
        const string table = "arm_event";
        if (Rows(c, table, columns, ["id", "timestamp", "error_count", "affinity", "mpidr", "running_state", "psci_state", "err_info", "context_info", "vendor_info"], result) is not { } rows) return;
        foreach (var row in rows)
        {
            string entry = Entry(table, row);
            byte[] errInfo = Blob(row["err_info"]) ?? [], context = Blob(row["context_info"]) ?? [], vendor = Blob(row["vendor_info"]) ?? [];
            const int errInfoSize = 32; // UEFI 2.10 N.2.4.4.1 ARM Processor Error Information Structure
            if (errInfo.Length % errInfoSize != 0)
            {
                result.Errors.Add($"{entry}: err_info holds {errInfo.Length} bytes, not a whole number of 32-byte error information structures");
                continue;
            }
            // Context structures: Version u16, Register Context Type u16, Register Array Size u32, then the array (N.2.4.4.2).
            int contexts = 0, at = 0;
            while (at + 8 <= context.Length)
            {
                uint size = BinaryPrimitives.ReadUInt32LittleEndian(context.AsSpan(at + 4));
                if (size > context.Length - at - 8) break;
                at += 8 + (int)size;
                contexts++;
            }
            if (at != context.Length)
            {
                result.Errors.Add($"{entry}: context_info holds {context.Length} bytes that are not whole context structures (the walk stops at {at})");
                continue;
            }
            long affinity = Int(row["affinity"]) ?? -1, mpidr = Int(row["mpidr"]) ?? -1, running = Int(row["running_state"]) ?? -1, psci = Int(row["psci_state"]) ?? -1;
            var body = new byte[40 + errInfo.Length + context.Length + vendor.Length];
            uint validation = 0;
            // The kernel's arm_event sets a field to all ones when its validation bit is clear.
            if (mpidr != -1) validation |= 1; // bit 0 MPIDR valid
            if (affinity is >= 0 and < 0xFF) validation |= 2; // bit 1 error affinity level valid
            if (running != -1 && running != 0xFFFFFFFF) validation |= 4; // bit 2 running state valid
            if (vendor.Length > 0) validation |= 8; // bit 3 vendor specific info valid
            BinaryPrimitives.WriteUInt32LittleEndian(body, validation);
            BinaryPrimitives.WriteUInt16LittleEndian(body.AsSpan(4), (ushort)(errInfo.Length / errInfoSize));
            BinaryPrimitives.WriteUInt16LittleEndian(body.AsSpan(6), (ushort)contexts);
            BinaryPrimitives.WriteUInt32LittleEndian(body.AsSpan(8), (uint)body.Length);
            body[12] = (validation & 2) != 0 ? (byte)affinity : (byte)0;
            if ((validation & 1) != 0) BinaryPrimitives.WriteInt64LittleEndian(body.AsSpan(16), mpidr);
            // MIDR_EL1 (offset 24) is not stored by rasdaemon: zero.
            if ((validation & 4) != 0)
            {
                BinaryPrimitives.WriteUInt32LittleEndian(body.AsSpan(32), (uint)running);
                if (psci != -1) BinaryPrimitives.WriteUInt32LittleEndian(body.AsSpan(36), (uint)psci);
            }
            errInfo.CopyTo(body, 40);
            context.CopyTo(body, 40 + errInfo.Length);
            vendor.CopyTo(body, 40 + errInfo.Length + context.Length);
            result.Add(CperSectionWrapper.WrapBody(body, CperGuids.ProcessorArm, 3, Guid.Empty, Timestamp(row["timestamp"])), entry, synthesised: true,
                note: $"ARM processor section rebuilt by ApeiKit from the columns of {entry} (lossy: rasdaemon stores neither MIDR_EL1, left zero, nor a severity, informational); record header synthesised");
        }
    }

    private static void Extlog(SqliteConnection c, HashSet<string> columns, CperUnwrappedInput result)
    {
        const string table = "extlog_event";
        if (Rows(c, table, columns, ["id", "timestamp", "etype", "severity", "address", "fru_id", "fru_text", "cper_data"], result) is not { } rows) return;
        foreach (var row in rows)
        {
            string entry = Entry(table, row);
            var compact = Blob(row["cper_data"]);
            // Linux struct cper_mem_err_compact: validation_bits u64, node, card, module, bank, device, row, column,
            // bit_pos (u16 each), requestor_id, responder_id, target_id (u64 each), rank, mem_array_handle,
            // mem_dev_handle (u16 each), extended (u8): 55 bytes, packed.
            const int compactSize = 55;
            if (compact is null || compact.Length < compactSize)
            {
                result.Errors.Add($"{entry}: cper_data holds {compact?.Length ?? 0} bytes, fewer than the kernel's 55-byte compact memory error");
                continue;
            }
            var body = new byte[80]; // UEFI 2.10 N.2.5 Memory Error Section (80 bytes)
            ulong validation = BinaryPrimitives.ReadUInt64LittleEndian(compact);
            BinaryPrimitives.WriteUInt64LittleEndian(body, validation & ~(1UL << 0 | 1UL << 2)); // error status and PA mask are not stored
            if (Int(row["address"]) is { } pa) BinaryPrimitives.WriteInt64LittleEndian(body.AsSpan(16), pa);
            compact.AsSpan(8, 16).CopyTo(body.AsSpan(32)); // node .. bit_pos
            compact.AsSpan(24, 24).CopyTo(body.AsSpan(48)); // requestor, responder, target ids
            if (Int(row["etype"]) is { } etype) body[72] = (byte)etype;
            body[73] = compact[54]; // extended
            compact.AsSpan(48, 6).CopyTo(body.AsSpan(74)); // rank, mem_array_handle, mem_dev_handle
            // CPER severity values (rasdaemon's ras-extlog-handler prints 0 recoverable, 1 fatal, 2 corrected, 3 informational).
            long sev = Int(row["severity"]) ?? 3;
            uint severity = sev is >= 0 and <= 3 ? (uint)sev : 3u;
            result.Add(CperSectionWrapper.WrapBody(body, CperGuids.PlatformMemory, severity, Guid.Empty, Timestamp(row["timestamp"]), FruId(row["fru_id"]), row["fru_text"] as string), entry, synthesised: true,
                note: $"platform memory section rebuilt by ApeiKit from the compact memory error, address and etype of {entry} (lossy: Error Status and Physical Address Mask are not stored); record header synthesised");
        }
    }
}
