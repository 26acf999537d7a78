using System.Collections.Immutable;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;

namespace PartnerGraph.Tests.Infrastructure;

/// <summary>
/// Every type the compiled code of some types refers to: in their signatures (base types, fields, methods, properties,
/// attributes), in their method bodies (calls, fields, casts, locals) and in the compiler's own nested types (async
/// state machines, lambdas), read from the assembly's metadata and IL. A using directive or a fully qualified name
/// makes no difference: what the compiled code touches is what is found.
/// </summary>
public static class TypeReferences
{
    /// <summary>The full names (Namespace.Type) of the types referred to by the types of the assembly whose namespace matches.</summary>
    public static IReadOnlySet<string> Of(string assemblyPath, Func<string, bool> namespaceMatches)
    {
        using var stream = File.OpenRead(assemblyPath);
        using var pe = new PEReader(stream);
        var metadata = pe.GetMetadataReader();
        var found = new HashSet<string>(StringComparer.Ordinal);
        var names = new Names(metadata);
        foreach (var handle in metadata.TypeDefinitions)
        {
            if (!namespaceMatches(names.NamespaceOf(handle)))
            {
                continue;
            }

            var type = metadata.GetTypeDefinition(handle);
            names.Add(type.BaseType, found);
            foreach (var implemented in type.GetInterfaceImplementations())
            {
                names.Add(metadata.GetInterfaceImplementation(implemented).Interface, found);
            }

            foreach (var field in type.GetFields())
            {
                found.UnionWith(Split(metadata.GetFieldDefinition(field).DecodeSignature(names, null)));
            }

            foreach (var property in type.GetProperties())
            {
                var signature = metadata.GetPropertyDefinition(property).DecodeSignature(names, null);
                found.UnionWith(signature.ParameterTypes.Append(signature.ReturnType).SelectMany(Split));
            }

            foreach (var attribute in type.GetCustomAttributes())
            {
                names.Add(metadata.GetCustomAttribute(attribute).Constructor, found);
            }

            foreach (var methodHandle in type.GetMethods())
            {
                var method = metadata.GetMethodDefinition(methodHandle);
                var signature = method.DecodeSignature(names, null);
                found.UnionWith(signature.ParameterTypes.Append(signature.ReturnType).SelectMany(Split));
                foreach (var attribute in method.GetCustomAttributes())
                {
                    names.Add(metadata.GetCustomAttribute(attribute).Constructor, found);
                }

                if (method.RelativeVirtualAddress != 0)
                {
                    AddBody(pe.GetMethodBody(method.RelativeVirtualAddress), metadata, names, found);
                }
            }
        }

        return found;
    }

    private static void AddBody(MethodBodyBlock body, MetadataReader metadata, Names names, HashSet<string> found)
    {
        if (!body.LocalSignature.IsNil)
        {
            foreach (var local in metadata.GetStandaloneSignature(body.LocalSignature).DecodeLocalSignature(names, null))
            {
                found.UnionWith(Split(local));
            }
        }

        var il = body.GetILReader();
        while (il.RemainingBytes > 0)
        {
            int code = il.ReadByte();
            if (code == 0xFE)
            {
                code = 0xFE00 | il.ReadByte();
            }

            var opcode = (ILOpCode)code;
            if (HasToken(opcode))
            {
                var token = il.ReadInt32();
                if ((token >> 24) != 0x70)
                {
                    names.Add(MetadataTokens.EntityHandle(token), found);
                }
            }
            else if (opcode == ILOpCode.Switch)
            {
                il.Offset += 4 * il.ReadInt32();
            }
            else
            {
                il.Offset += OperandSize(opcode);
            }
        }
    }

    private static bool HasToken(ILOpCode opcode) => opcode is ILOpCode.Call or ILOpCode.Callvirt or ILOpCode.Newobj or ILOpCode.Calli or ILOpCode.Jmp
        or ILOpCode.Ldfld or ILOpCode.Ldflda or ILOpCode.Stfld or ILOpCode.Ldsfld or ILOpCode.Ldsflda or ILOpCode.Stsfld
        or ILOpCode.Ldtoken or ILOpCode.Castclass or ILOpCode.Isinst or ILOpCode.Box or ILOpCode.Unbox or ILOpCode.Unbox_any
        or ILOpCode.Newarr or ILOpCode.Ldelema or ILOpCode.Ldelem or ILOpCode.Stelem or ILOpCode.Initobj or ILOpCode.Cpobj
        or ILOpCode.Ldobj or ILOpCode.Stobj or ILOpCode.Sizeof or ILOpCode.Mkrefany or ILOpCode.Refanyval or ILOpCode.Constrained
        or ILOpCode.Ldftn or ILOpCode.Ldvirtftn or ILOpCode.Ldstr;

    private static int OperandSize(ILOpCode opcode) => opcode switch
    {
        ILOpCode.Ldc_i8 or ILOpCode.Ldc_r8 => 8,
        ILOpCode.Ldc_i4 or ILOpCode.Ldc_r4 => 4,
        ILOpCode.Ldarg or ILOpCode.Ldarga or ILOpCode.Starg or ILOpCode.Ldloc or ILOpCode.Ldloca or ILOpCode.Stloc => 2,
        ILOpCode.Ldarg_s or ILOpCode.Ldarga_s or ILOpCode.Starg_s or ILOpCode.Ldloc_s or ILOpCode.Ldloca_s or ILOpCode.Stloc_s
            or ILOpCode.Ldc_i4_s or ILOpCode.Unaligned => 1,
        _ when opcode.IsBranch() => opcode.GetBranchOperandSize(),
        _ => 0,
    };

    private static IEnumerable<string> Split(string names) => names.Split('|', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>Type names from handles and signatures; a signature naming several types (generics) gives them joined by '|'.</summary>
    private sealed class Names(MetadataReader metadata) : ISignatureTypeProvider<string, object?>
    {
        public string NamespaceOf(TypeDefinitionHandle handle)
        {
            var type = metadata.GetTypeDefinition(handle);
            var declaring = type.GetDeclaringType();
            return declaring.IsNil ? metadata.GetString(type.Namespace) : NamespaceOf(declaring);
        }

        public void Add(EntityHandle handle, HashSet<string> found)
        {
            if (!handle.IsNil)
            {
                found.UnionWith(Split(Of(handle)));
            }
        }

        private string Of(EntityHandle handle)
        {
            switch (handle.Kind)
            {
                case HandleKind.TypeDefinition:
                    return GetTypeFromDefinition(metadata, (TypeDefinitionHandle)handle, 0);
                case HandleKind.TypeReference:
                    return GetTypeFromReference(metadata, (TypeReferenceHandle)handle, 0);
                case HandleKind.TypeSpecification:
                    return metadata.GetTypeSpecification((TypeSpecificationHandle)handle).DecodeSignature(this, null);
                case HandleKind.MethodDefinition:
                    var method = metadata.GetMethodDefinition((MethodDefinitionHandle)handle);
                    return Of(method.GetDeclaringType());
                case HandleKind.FieldDefinition:
                    var field = metadata.GetFieldDefinition((FieldDefinitionHandle)handle);
                    return Join(Of(field.GetDeclaringType()), field.DecodeSignature(this, null));
                case HandleKind.MethodSpecification:
                    var specification = metadata.GetMethodSpecification((MethodSpecificationHandle)handle);
                    return Join([Of(specification.Method), .. specification.DecodeSignature(this, null)]);
                case HandleKind.MemberReference:
                    var member = metadata.GetMemberReference((MemberReferenceHandle)handle);
                    var parent = member.Parent.Kind is HandleKind.ModuleReference ? "" : Of(member.Parent);
                    return member.GetKind() == MemberReferenceKind.Method
                        ? Join([parent, .. member.DecodeMethodSignature(this, null) is var s ? s.ParameterTypes.Append(s.ReturnType) : []])
                        : Join(parent, member.DecodeFieldSignature(this, null));
                case HandleKind.StandaloneSignature:
                    var standalone = metadata.GetStandaloneSignature((StandaloneSignatureHandle)handle);
                    return standalone.GetKind() == StandaloneSignatureKind.Method
                        ? Join([.. standalone.DecodeMethodSignature(this, null) is var m ? m.ParameterTypes.Append(m.ReturnType) : []])
                        : Join([.. standalone.DecodeLocalSignature(this, null)]);
                default:
                    return "";
            }
        }

        private static string Join(params string[] names) => string.Join('|', names.Where(n => n.Length > 0));

        public string GetTypeFromDefinition(MetadataReader reader, TypeDefinitionHandle handle, byte rawTypeKind)
        {
            var type = reader.GetTypeDefinition(handle);
            var declaring = type.GetDeclaringType();
            return declaring.IsNil ? Name(reader.GetString(type.Namespace), reader.GetString(type.Name)) : GetTypeFromDefinition(reader, declaring, 0) + "+" + reader.GetString(type.Name);
        }

        public string GetTypeFromReference(MetadataReader reader, TypeReferenceHandle handle, byte rawTypeKind)
        {
            var type = reader.GetTypeReference(handle);
            return type.ResolutionScope.Kind == HandleKind.TypeReference
                ? GetTypeFromReference(reader, (TypeReferenceHandle)type.ResolutionScope, 0) + "+" + reader.GetString(type.Name)
                : Name(reader.GetString(type.Namespace), reader.GetString(type.Name));
        }

        private static string Name(string ns, string name) => ns.Length == 0 ? name : ns + "." + name;

        public string GetTypeFromSpecification(MetadataReader reader, object? genericContext, TypeSpecificationHandle handle, byte rawTypeKind) =>
            reader.GetTypeSpecification(handle).DecodeSignature(this, genericContext);

        public string GetGenericInstantiation(string genericType, ImmutableArray<string> typeArguments) => Join([genericType, .. typeArguments]);

        public string GetArrayType(string elementType, ArrayShape shape) => elementType;

        public string GetSZArrayType(string elementType) => elementType;

        public string GetByReferenceType(string elementType) => elementType;

        public string GetPointerType(string elementType) => elementType;

        public string GetPinnedType(string elementType) => elementType;

        public string GetModifiedType(string modifier, string unmodifiedType, bool isRequired) => unmodifiedType;

        public string GetFunctionPointerType(MethodSignature<string> signature) => Join([.. signature.ParameterTypes, signature.ReturnType]);

        public string GetGenericMethodParameter(object? genericContext, int index) => "";

        public string GetGenericTypeParameter(object? genericContext, int index) => "";

        public string GetPrimitiveType(PrimitiveTypeCode typeCode) => "";
    }
}
