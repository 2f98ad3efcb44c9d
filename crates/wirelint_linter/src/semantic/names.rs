//! The names an expression reads, and the one depth limit every recursive
//! expression helper of the model uses.

use ruff_python_ast::Expr;

/// Past this nesting a recursive expression helper stops looking and gives
/// its "unknown" answer. Real code nests far less; the limit only bounds the
/// work (and the stack) on pathological input.
pub(crate) const MAX_EXPR_DEPTH: u32 = 32;

/// Appends every name `expr` reads to `names`: through attributes (their
/// object), calls (callee and arguments), subscripts, operators,
/// comparisons and conditional expressions. A lambda, comprehension or
/// literal container is not looked into.
pub(crate) fn read_names(expr: &Expr, names: &mut Vec<String>) {
    read_names_at(expr, names, 0);
}

fn read_names_at(expr: &Expr, names: &mut Vec<String>, depth: u32) {
    if depth > MAX_EXPR_DEPTH {
        return;
    }
    let depth = depth + 1;
    match expr {
        Expr::Name(name) => names.push(name.id.to_string()),
        Expr::Attribute(attribute) => read_names_at(&attribute.value, names, depth),
        Expr::Call(call) => {
            read_names_at(&call.func, names, depth);
            for argument in &call.arguments.args {
                read_names_at(argument, names, depth);
            }
            for keyword in &call.arguments.keywords {
                read_names_at(&keyword.value, names, depth);
            }
        }
        Expr::Subscript(subscript) => {
            read_names_at(&subscript.value, names, depth);
            read_names_at(&subscript.slice, names, depth);
        }
        Expr::UnaryOp(unary) => read_names_at(&unary.operand, names, depth),
        Expr::BinOp(binop) => {
            read_names_at(&binop.left, names, depth);
            read_names_at(&binop.right, names, depth);
        }
        Expr::BoolOp(bool_op) => {
            for value in &bool_op.values {
                read_names_at(value, names, depth);
            }
        }
        Expr::Compare(compare) => {
            read_names_at(&compare.left, names, depth);
            for comparator in &compare.comparators {
                read_names_at(comparator, names, depth);
            }
        }
        Expr::If(if_expr) => {
            read_names_at(&if_expr.test, names, depth);
            read_names_at(&if_expr.body, names, depth);
            read_names_at(&if_expr.orelse, names, depth);
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use ruff_python_parser::parse_expression;

    use super::read_names;

    fn names(source: &str) -> Vec<String> {
        let parsed = parse_expression(source).unwrap();
        let mut found = Vec::new();
        read_names(parsed.expr(), &mut found);
        found
    }

    #[test]
    fn reads_through_operators_calls_and_attributes() {
        assert_eq!(
            names("key or make(seed, size=n)"),
            ["key", "make", "seed", "n"]
        );
        assert_eq!(
            names("not self.done and attempt < limit"),
            ["self", "attempt", "limit"]
        );
        assert_eq!(names("a if b else c[d]"), ["b", "a", "c", "d"]);
        assert!(names("[x for x in y]").is_empty());
    }

    #[test]
    fn deep_nesting_stops_without_overflowing() {
        let source = format!("{}x{}", "f(".repeat(200), ")".repeat(200));
        assert!(names(&source).len() < 200);
    }
}
