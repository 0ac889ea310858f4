;;; r7rs-prelude.scm -- OmniLisp compatibility definitions for Chez Scheme 9.5.
;;;
;;; bench/r7rs.mjs puts this file in front of the Scheme text it derives from an OmniLisp port in
;;; test/r7rs/ (after its own source transformation: [..] vectors, (do ...) as begin), so that the
;;; port runs under Chez with the meaning it has in OmniLisp (docs/LANGUAGE.md). Written for this
;;; project; it defines only what the ports use and Chez lacks or means differently.
;;;
;;; Choices (see bench/README.md, "r7rs-benchmarks ports against Chez"):
;;; - nil is #f and t is #t. In OmniLisp nil is both false and the empty list; the ports use `nil`
;;;   as false and '() for lists, so #f is the closer match. The printer shows '() and #f as nil.
;;; - Operators whose OmniLisp meaning differs from Scheme's (/ on two integers truncates; sqrt and
;;;   friends always return floats) are macros that expand in line (a call on the fast path,
;;;   as OmniLisp inlines primitives), plus a procedure of the same meaning for first-class use.

;; ---------------------------------------------------------------- constants and syntax
(define nil #f)
(define t #t)

(define-syntax fn
  (syntax-rules () ((_ params body ...) (lambda params body ...))))

(define-syntax named-lambda
  (syntax-rules ()
    ((_ (self . params) body ...) (letrec ((self (lambda params body ...))) self))))

;; (defmacro name params body...): a non-hygienic macro whose body runs at expansion time on the
;; unevaluated argument forms (the ports' macros use only primitives).
(define-syntax defmacro
  (lambda (x)
    (syntax-case x ()
      ((_ name params body ...)
       #'(define-syntax name
           (lambda (y)
             (syntax-case y ()
               ((k . args)
                ;; OmniLisp's (begin) is nil; Chez rejects it, so an expansion's (begin) becomes #f.
                (datum->syntax
                 #'k
                 (let fix ((e (apply (lambda params body ...) (syntax->datum #'args))))
                   (cond ((equal? e '(begin)) #f)
                         ((pair? e) (cons (fix (car e)) (fix (cdr e))))
                         (else e))))))))))))

;; ---------------------------------------------------------------- numbers
(define (omni-div2 a b)
  (if (and (fixnum? a) (fixnum? b))
      (if (fx= b 0) (#%error '/ "/: division by zero") (#%quotient a b))
      (if (or (flonum? a) (flonum? b))
          (#%/ (#%inexact a) (#%inexact b))
          (#%quotient a b))))
(define (omni-div a . rest)
  (if (null? rest)
      (omni-div2 1 a)
      (let loop ((acc a) (rest rest))
        (if (null? rest) acc (loop (omni-div2 acc (car rest)) (cdr rest))))))
(define-syntax /
  (lambda (x)
    (syntax-case x ()
      (id (identifier? #'id) #'omni-div)
      ((_ a) #'(omni-div2 1 a))
      ((_ a b)
       #'(let ((p a) (q b))
           (if (and (flonum? p) (flonum? q)) (#%fl/ p q) (omni-div2 p q))))
      ((_ a b c ...) #'(omni-div a b c ...)))))

;; Float-valued operations: OmniLisp returns a float even for exact arguments ((sqrt 4) is 2.0).
(define-syntax define-float-op
  (syntax-rules ()
    ((_ name proc prim)
     (begin
       (define (proc . args) (apply prim (map #%inexact args)))
       (define-syntax name
         (lambda (x)
           (syntax-case x ()
             (id (identifier? #'id) #'proc)
             ((_ a) #'(prim (#%inexact a)))
             ((_ a b) #'(prim (#%inexact a) (#%inexact b))))))))))
(define-float-op sqrt omni-sqrt #%sqrt)
(define-float-op exp omni-exp #%exp)
(define-float-op log omni-log #%log)
(define-float-op sin omni-sin #%sin)
(define-float-op cos omni-cos #%cos)
(define-float-op tan omni-tan #%tan)
(define-float-op atan omni-atan #%atan)

;; inexact->exact (alias int) truncates; exact->inexact is float.
(define (inexact->exact x) (if (flonum? x) (#%exact (#%truncate x)) x))
(define int inexact->exact)
(define float #%inexact)
(define (int? x) (and (integer? x) (exact? x)))
(define (float? x) (flonum? x))
(define % #%remainder)

;; ---------------------------------------------------------------- lists
(define (nil? x) (or (null? x) (eq? x #f)))
(define (first l) (if (pair? l) (car l) nil))
(define (second l) (if (and (pair? l) (pair? (cdr l))) (cadr l) nil))
(define (third l) (if (and (pair? l) (pair? (cdr l)) (pair? (cddr l))) (caddr l) nil))
(define (rest l) (if (pair? l) (cdr l) '()))
(define (last l) (if (pair? (cdr l)) (last (cdr l)) (car l)))
(define (fold f init l) (if (null? l) init (fold f (f init (car l)) (cdr l))))
(define (foldr f init l) (if (null? l) init (f (car l) (foldr f init (cdr l)))))
(define (reduce f l)
  (if (null? l) (#%error 'reduce "reduce: empty list") (fold f (car l) (cdr l))))
(define (identity x) x)
(define (omni-make-vector n . fill) (#%make-vector n (if (null? fill) nil (car fill))))
(define make-vector omni-make-vector)

;; (error msg irritant...)
(define (error msg . irritants)
  (apply #%error 'omnilisp (if (string? msg) msg (omni->string msg #f)) irritants))

;; ---------------------------------------------------------------- printing (LANGUAGE.md §5)
;; Floats as Python's repr: Chez already gives the shortest round-trip digits; only the layout
;; (fixed notation for decimal exponents in [-4, 16), else d.ddde+XX) differs.
(define (omni-float->string x)
  (cond
    ((not (fl= x x)) "nan")
    ((fl= x +inf.0) "inf")
    ((fl= x -inf.0) "-inf")
    (else
     (let* ((s (#%number->string x))
            (bar (let loop ((i 0)) (cond ((= i (string-length s)) #f)
                                         ((char=? (string-ref s i) #\|) i)
                                         (else (loop (+ i 1))))))
            (s (if bar (substring s 0 bar) s))
            (neg (char=? (string-ref s 0) #\-))
            (s (if neg (substring s 1 (string-length s)) s))
            (epos (let loop ((i 0)) (cond ((= i (string-length s)) #f)
                                          ((char=? (string-ref s i) #\e) i)
                                          (else (loop (+ i 1))))))
            (mant (if epos (substring s 0 epos) s))
            (ex (if epos (string->number (substring s (+ epos 1) (string-length s))) 0))
            (dot (let loop ((i 0)) (cond ((= i (string-length mant)) #f)
                                         ((char=? (string-ref mant i) #\.) i)
                                         (else (loop (+ i 1))))))
            (ip (if dot (substring mant 0 dot) mant))
            (fp (if dot (substring mant (+ dot 1) (string-length mant)) ""))
            (digits (string-append ip fp))
            (point (+ (string-length ip) ex)))
       ;; strip leading zeros (moving the point) and trailing zeros
       (let loop ()
         (when (and (> (string-length digits) 0) (char=? (string-ref digits 0) #\0))
           (set! digits (substring digits 1 (string-length digits)))
           (set! point (- point 1))
           (loop)))
       (let loop ()
         (let ((n (string-length digits)))
           (when (and (> n 0) (char=? (string-ref digits (- n 1)) #\0))
             (set! digits (substring digits 0 (- n 1)))
             (loop))))
       (let* ((n (string-length digits))
              (zeros (lambda (k) (make-string (max k 0) #\0)))
              (body
               (cond
                 ((= n 0) "0.0")
                 ((and (>= (- point 1) -4) (< (- point 1) 16))
                  (cond ((<= point 0) (string-append "0." (zeros (- point)) digits))
                        ((>= point n) (string-append digits (zeros (- point n)) ".0"))
                        (else (string-append (substring digits 0 point) "."
                                             (substring digits point n)))))
                 (else
                  (let* ((e (- point 1))
                         (es (#%number->string (abs e))))
                    (string-append (substring digits 0 1)
                                   (if (> n 1) (string-append "." (substring digits 1 n)) "")
                                   "e" (if (< e 0) "-" "+")
                                   (if (< (string-length es) 2) (string-append "0" es) es)))))))
         (if neg (string-append "-" body) body))))))

(define (omni-number->string x . radix)
  (if (flonum? x) (omni-float->string x) (apply #%number->string x radix)))
(define number->string omni-number->string)

(define (omni-write-string s p)
  (#%write-char #\" p)
  (string-for-each
   (lambda (c)
     (let ((n (char->integer c)))
       (cond ((char=? c #\\) (#%display "\\\\" p))
             ((char=? c #\") (#%display "\\\"" p))
             ((char=? c #\newline) (#%display "\\n" p))
             ((char=? c #\tab) (#%display "\\t" p))
             ((char=? c #\return) (#%display "\\r" p))
             ((or (< n 32) (= n 127) (and (>= n 128) (< n 160)))
              (#%display "\\x" p) (#%display (#%number->string n 16) p) (#%display ";" p))
             (else (#%write-char c p)))))
   s)
  (#%write-char #\" p))

(define (omni-write-char c p)
  (let ((n (char->integer c)))
    (#%display "#\\" p)
    (cond ((= n 32) (#%display "space" p))
          ((= n 10) (#%display "newline" p))
          ((= n 9) (#%display "tab" p))
          ((= n 13) (#%display "return" p))
          ((= n 0) (#%display "nul" p))
          ((or (< n 32) (= n 127) (and (>= n 128) (< n 160)))
           (#%display "x" p) (#%display (#%number->string n 16) p))
          (else (#%write-char c p)))))

(define (omni-print-value x write? p)
  (cond
    ((or (null? x) (eq? x #f)) (#%display "nil" p))
    ((eq? x #t) (#%display "t" p))
    ((flonum? x) (#%display (omni-float->string x) p))
    ((string? x) (if write? (omni-write-string x p) (#%display x p)))
    ((char? x) (if write? (omni-write-char x p) (#%write-char x p)))
    ((symbol? x) (#%display (symbol->string x) p))
    ((pair? x)
     (#%write-char #\( p)
     (omni-print-value (car x) write? p)
     (let loop ((l (cdr x)))
       (cond ((null? l))
             ((pair? l) (#%write-char #\space p) (omni-print-value (car l) write? p) (loop (cdr l)))
             (else (#%display " . " p) (omni-print-value l write? p))))
     (#%write-char #\) p))
    ((vector? x)
     (#%write-char #\[ p)
     (let ((n (vector-length x)))
       (do ((i 0 (+ i 1))) ((= i n))
         (when (> i 0) (#%write-char #\space p))
         (omni-print-value (vector-ref x i) write? p)))
     (#%write-char #\] p))
    ((procedure? x) (#%display "#<procedure>" p))
    (else (#%display x p))))

(define (omni->string x write?)
  (let-values (((p get) (open-string-output-port)))
    (omni-print-value x write? p)
    (get)))

(define (display x . port)
  (omni-print-value x #f (if (null? port) (current-output-port) (car port))))
(define (write x . port)
  (omni-print-value x #t (if (null? port) (current-output-port) (car port))))
(define (print . xs)
  (let ((p (current-output-port)))
    (let loop ((xs xs) (first? #t))
      (unless (null? xs)
        (unless first? (#%write-char #\space p))
        (omni-print-value (car xs) #f p)
        (loop (cdr xs) #f)))
    (#%newline p)))
(define (str . xs)
  (apply string-append (map (lambda (x) (if (string? x) x (omni->string x #f))) xs)))

;; ---------------------------------------------------------------- end of prelude
