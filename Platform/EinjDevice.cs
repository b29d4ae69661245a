using ApeiKit.Hest;

namespace ApeiKit.Platform;

/// <summary>What an OS asked EINJ firmware to inject, as firmware reads it at EXECUTE_OPERATION.</summary>
/// <param name="Type">The error type bit (ACPI 6.5 Table 18.30).</param>
/// <param name="Flags">SET_ERROR_TYPE_WITH_ADDRESS Flags (bit 0 processor id, 1 memory address and range, 2 PCIe SBDF valid).</param>
/// <param name="ProcessorId">Processor APIC ID / MPIDR field.</param>
/// <param name="Address">Memory address.</param>
/// <param name="AddressMask">Memory address range (mask).</param>
/// <param name="Sbdf">PCIe segment/bus/device/function (bits 31:24, 23:16, 15:11, 10:8).</param>
/// <param name="WithAddress">True when the type came from the SET_ERROR_TYPE_WITH_ADDRESS structure, false from SET_ERROR_TYPE.</param>
public sealed record EinjRequest(uint Type, uint Flags, uint ProcessorId, ulong Address, ulong AddressMask, uint Sbdf, bool WithAddress);

/// <summary>
/// The host firmware's EINJ register interface, the protocol of ApeiKit's default EINJ (docs/erst-einj.md, preset
/// <c>default</c>): an action register at base + 0 takes the action number being run, a 64-bit value register at base + 8
/// carries inputs and answers (32-bit accesses at +8/+12 reach its halves), the SET_ERROR_TYPE_WITH_ADDRESS structure is RAM
/// at base + 0x100 (ACPI 6.5 Table 18.31, 36 bytes) and the trigger error action table is RAM at base + 0x200 (Table 18.33;
/// this firmware's has no entries: the error is raised when EXECUTE_OPERATION runs). Writing EXECUTE_OPERATION (5) makes
/// firmware read the request (the structure when its Error Type is set, else the type SET_ERROR_TYPE latched), check it
/// (<see cref="Inject"/> decides) and set the command status (ACPI 6.5 Table 18.29: 0 success, 1 unknown failure,
/// 2 invalid access); busy is never left set, as the injection is done before the write returns.
/// </summary>
public sealed class EinjDevice : IMmioDevice
{
    /// <summary>Command status: success.</summary>
    public const byte StatusSuccess = 0;
    /// <summary>Command status: unknown failure.</summary>
    public const byte StatusUnknownFailure = 1;
    /// <summary>Command status: invalid access.</summary>
    public const byte StatusInvalidAccess = 2;
    /// <summary>Offset of the trigger error action table from the base.</summary>
    public const ulong TriggerTableOffset = 0x200;

    private readonly SparseMemory _memory;
    private ulong _value;
    private uint _setType;
    private bool _busy;

    /// <summary>A device at <paramref name="registerBase"/> offering <paramref name="supportedTypes"/>.</summary>
    public EinjDevice(SparseMemory memory, ulong registerBase, uint supportedTypes, Func<EinjRequest, byte> inject)
    {
        ArgumentNullException.ThrowIfNull(memory);
        ArgumentNullException.ThrowIfNull(inject);
        _memory = memory;
        Base = registerBase;
        SupportedTypes = supportedTypes;
        Inject = inject;
        // The trigger error action table: header size 16, revision 0, table size 16, no entries (ACPI 6.5 Table 18.33).
        memory.Write(TriggerTableAddress, EinjStructures.BuildTriggerTable([]));
    }

    /// <inheritdoc/>
    public ulong Base { get; }
    /// <inheritdoc/>
    public ulong Size => 16;
    /// <summary>The GET_ERROR_TYPE answer.</summary>
    public uint SupportedTypes { get; }
    /// <summary>Address of the SET_ERROR_TYPE_WITH_ADDRESS structure.</summary>
    public ulong ParameterAddress => Base + ActionTablePresets.EinjParameterOffset;
    /// <summary>Address of the trigger error action table.</summary>
    public ulong TriggerTableAddress => Base + TriggerTableOffset;
    /// <summary>Firmware's decision on a request: the command status (and, on success, the error it raises).</summary>
    public Func<EinjRequest, byte> Inject { get; }
    /// <summary>The last command status.</summary>
    public byte CommandStatus { get; private set; }

    /// <inheritdoc/>
    public ulong Read(ulong offset, int accessBits) => Reg64.ReadWindow(offset, _value, accessBits);

    /// <inheritdoc/>
    public void Write(ulong offset, int accessBits, ulong value)
    {
        if (!Reg64.WriteWindow(offset, ref _value, value, accessBits)) return;
        switch (value)
        {
            case 0x0: // BEGIN_INJECTION_OPERATION
                _setType = 0;
                break;
            case 0x1: _value = TriggerTableAddress; break; // GET_TRIGGER_ERROR_ACTION_TABLE
            case 0x2: _setType = (uint)_value; break; // SET_ERROR_TYPE
            case 0x3: _value = SupportedTypes; break; // GET_ERROR_TYPE
            case 0x4: break; // END_OPERATION
            case 0x5: // EXECUTE_OPERATION
                _busy = true;
                CommandStatus = Inject(ReadRequest());
                _busy = false;
                break;
            case 0x6: _value = _busy ? 1UL : 0UL; break; // CHECK_BUSY_STATUS
            case 0x7: _value = CommandStatus; break; // GET_COMMAND_STATUS
            case 0x9: _value = (100UL << 32) | 10; break; // GET_EXECUTE_OPERATION_TIMINGS: 100 us max, 10 us nominal
        }
    }

    private EinjRequest ReadRequest()
    {
        Span<byte> p = stackalloc byte[EinjStructures.SetErrorTypeWithAddressSize];
        _memory.Read(ParameterAddress, p);
        // Read through the declaration (Hest/Declarations/EinjDeclarations.cs, ACPI 6.5 Table 18.31).
        var v = SetErrorTypeWithAddressView.Of(p);
        uint type = v.ErrorType;
        bool withAddress = type != 0;
        return new EinjRequest(withAddress ? type : _setType, v.Flags, v.ProcessorId, v.MemoryAddress, v.MemoryAddressRange, v.PcieSbdf, withAddress);
    }
}
