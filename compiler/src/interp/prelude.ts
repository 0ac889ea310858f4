// Higher-order primitives of the interpreter, written in OmniLisp so that the procedures they
// call run on the machine's explicit stack. The prelude is compiled in a private global
// environment: a program that redefines `car` or `reverse` does not change these definitions.
// The `%` helpers are private to the prelude (see PRELUDE_HELPERS in interpreter.ts).

export const PRELUDE_SOURCE = String.raw`
(define (map f l . ls)
  (%check-proc 'map f)
  (if (null? ls)
      (let loop ((l (%check-list 'map l)) (acc nil))
        (if (null? l) (reverse acc) (loop (cdr l) (cons (f (car l)) acc))))
      (let loop ((ls (%check-lists 'map (cons l ls))) (acc nil))
        (if (%any-null? ls) (reverse acc) (loop (%cdrs ls) (cons (apply f (%cars ls)) acc))))))

(define (for-each f l . ls)
  (%check-proc 'for-each f)
  (if (null? ls)
      (let loop ((l (%check-list 'for-each l)))
        (if (null? l) nil (do (f (car l)) (loop (cdr l)))))
      (let loop ((ls (%check-lists 'for-each (cons l ls))))
        (if (%any-null? ls) nil (do (apply f (%cars ls)) (loop (%cdrs ls)))))))

(define (filter pred l)
  (%check-proc 'filter pred)
  (let loop ((l (%check-list 'filter l)) (acc nil))
    (cond ((null? l) (reverse acc))
          ((pred (car l)) (loop (cdr l) (cons (car l) acc)))
          (else (loop (cdr l) acc)))))

(define (remove pred l)
  (%check-proc 'remove pred)
  (let loop ((l (%check-list 'remove l)) (acc nil))
    (cond ((null? l) (reverse acc))
          ((pred (car l)) (loop (cdr l) acc))
          (else (loop (cdr l) (cons (car l) acc))))))

(define (fold f init l)
  (%check-proc 'fold f)
  (let loop ((acc init) (l (%check-list 'fold l)))
    (if (null? l) acc (loop (f acc (car l)) (cdr l)))))

(define (foldr f init l)
  (%check-proc 'foldr f)
  (let loop ((acc init) (l (reverse (%check-list 'foldr l))))
    (if (null? l) acc (loop (f (car l) acc) (cdr l)))))

(define (reduce f l)
  (%check-proc 'reduce f)
  (%check-list 'reduce l)
  (if (null? l)
      (%empty-reduce)
      (let loop ((acc (car l)) (l (cdr l)))
        (if (null? l) acc (loop (f acc (car l)) (cdr l))))))

(define (sort l less?)
  (%check-proc 'sort less?)
  (%merge-sort (%check-list 'sort l) (length l) less?))

(define (%merge-sort l n less?)
  (if (< n 2)
      (if (= n 0) nil (list (car l)))
      (let ((half (quotient n 2)))
        (%merge (%merge-sort l half less?) (%merge-sort (list-tail l half) (- n half) less?) less?))))

(define (%merge a b less?)
  (let loop ((a a) (b b) (acc nil))
    (cond ((null? a) (append (reverse acc) b))
          ((null? b) (append (reverse acc) a))
          ((less? (car b) (car a)) (loop a (cdr b) (cons (car b) acc)))
          (else (loop (cdr a) b (cons (car a) acc))))))

(define (vector-map f v . vs)
  (%check-proc 'vector-map f)
  (list->vector
    (apply map f (vector->list (%check-vector 'vector-map v))
           (map (fn (x) (vector->list (%check-vector 'vector-map x))) vs))))

(define (compose . fs)
  (for-each (fn (f) (%check-proc 'compose f)) fs)
  (if (null? fs)
      identity
      (let ((f (car fs)) (g (apply compose (cdr fs))))
        (fn args (f (apply g args))))))
`;
